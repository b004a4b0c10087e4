package dev.fastmcp.auth.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/** Runs several callers at the same instant and collects what each got. */
final class StorageRace {

    private StorageRace() {
    }

    /**
     * Starts {@code threads} threads, releases them together, and returns each one's result (in thread order).
     * Waits at most 30 seconds.
     */
    static <T> List<T> run(int threads, IntFunction<Callable<T>> caller) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Callable<T> call = caller.apply(i);
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    if (!go.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the race never started");
                    }
                    return call.call();
                }));
            }
            if (!ready.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the racing threads did not start within 30 s");
            }
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(30, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /** How many results are non-null and not {@code false}: the winners. */
    static long winners(List<?> results) {
        return results.stream().filter(r -> r != null && !Boolean.FALSE.equals(r)).count();
    }
}
