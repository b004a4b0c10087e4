package dev.fastmcp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ToolExecutorsTest {

    @Test
    void callsOneAfterAnotherShareOneThread() throws Exception {
        ExecutorService pool = ToolExecutors.bounded(8);
        try {
            for (int i = 0; i < 20; i++) {
                pool.submit(() -> { }).get(5, TimeUnit.SECONDS);
                awaitIdleThreads();
            }
            assertEquals(1, ((ThreadPoolExecutor) pool).getPoolSize());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Waits until every tool thread waits for work (parked, which they are only when waiting for the queue). */
    private static void awaitIdleThreads() throws InterruptedException {
        for (int w = 0; w < 1000; w++) {
            boolean idle = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("fastmcp-tool-"))
                    .allMatch(t -> t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING);
            if (idle) {
                return;
            }
            Thread.sleep(2);
        }
    }

    @Test
    void busyThreadsGrowToTheMaximumThenCallsWaitThenTheyAreRefused() throws Exception {
        int threads = 3;
        ExecutorService pool = ToolExecutors.bounded(threads);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(threads);
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                calls.add(pool.submit(() -> {
                    running.countDown();
                    release.await();
                    return null;
                }));
            }
            assertTrue(running.await(5, TimeUnit.SECONDS), "each busy call got a thread of its own");
            assertEquals(threads, ((ThreadPoolExecutor) pool).getPoolSize());
            for (int i = 0; i < threads * 16; i++) {
                calls.add(pool.submit(() -> null));
            }
            assertEquals(threads * 16, ((ThreadPoolExecutor) pool).getQueue().size());
            RejectedExecutionException refused = assertThrows(RejectedExecutionException.class,
                    () -> pool.submit(() -> null));
            assertTrue(refused.getMessage().contains("all 3 tool threads are busy"), refused.getMessage());
            release.countDown();
            for (Future<?> call : calls) {
                call.get(5, TimeUnit.SECONDS);
            }
            assertEquals(threads, ((ThreadPoolExecutor) pool).getPoolSize());
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }
}
