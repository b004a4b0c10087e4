package dev.fastmcp.server;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The default executor for user code: at most {@code threads} calls run at once, {@code threads * 16} more wait,
 * and beyond both, calls are refused.
 *
 * <p>A thread is started only when a call finds no idle one, so the pool holds as many threads as calls have run at
 * once, not its maximum: a plain {@link ThreadPoolExecutor} of that many core threads starts a new thread for each
 * call until it has all of them, each with its stack and buffers, although a few would serve the load. Threads idle
 * for a minute stop.
 */
public final class ToolExecutors {

    private ToolExecutors() {
    }

    public static ExecutorService bounded(int threads) {
        AtomicInteger n = new AtomicInteger();
        Queue queue = new Queue(threads * 16);
        ThreadPoolExecutor pool = new ThreadPoolExecutor(0, threads, 60, TimeUnit.SECONDS, queue, r -> {
            Thread t = new Thread(r, "fastmcp-tool-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, (r, executor) -> {
            // At the maximum, the call waits in the queue while it has room (the pool refused it only because
            // offer() asked for a thread first).
            if (executor.isShutdown() || !queue.enqueue(r)) {
                throw new RejectedExecutionException("all " + threads + " tool threads are busy and "
                        + threads * 16 + " calls wait already");
            }
        });
        queue.pool = pool;
        return pool;
    }

    /** A bounded queue that takes a call only when no thread may be started for it or one is idle. */
    private static final class Queue extends LinkedBlockingQueue<Runnable> {

        private final AtomicInteger idle = new AtomicInteger();
        private volatile ThreadPoolExecutor pool;

        Queue(int capacity) {
            super(capacity);
        }

        @Override
        public boolean offer(Runnable r) {
            ThreadPoolExecutor p = pool;
            if (idle.get() == 0 && p != null && p.getPoolSize() < p.getMaximumPoolSize()) {
                return false; // the pool starts a thread for it
            }
            return super.offer(r);
        }

        boolean enqueue(Runnable r) {
            return super.offer(r);
        }

        @Override
        public Runnable take() throws InterruptedException {
            idle.incrementAndGet();
            try {
                return super.take();
            } finally {
                idle.decrementAndGet();
            }
        }

        @Override
        public Runnable poll(long timeout, TimeUnit unit) throws InterruptedException {
            idle.incrementAndGet();
            try {
                return super.poll(timeout, unit);
            } finally {
                idle.decrementAndGet();
            }
        }
    }
}
