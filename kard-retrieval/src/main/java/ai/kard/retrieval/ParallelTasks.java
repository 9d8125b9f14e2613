package ai.kard.retrieval;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one task per index on a few threads, each thread taking the next free index, and rethrows the first
 * failure as it was thrown (an {@link IOException} stays one). Used by {@link LuceneKnowledgeBase#searchAll} and
 * by the reranker's candidate mining.
 */
public final class ParallelTasks {
    /** A task for one index. */
    @FunctionalInterface
    public interface IndexedTask {
        /**
         * Runs the task for {@code index}.
         *
         * @param index the index
         * @throws IOException when the task fails
         */
        void run(int index) throws IOException;
    }

    private ParallelTasks() {
    }

    /**
     * Runs {@code task} for every index in {@code [0, count)} on at most {@code threads} threads (in the calling
     * thread when one suffices); {@code what} names the work in the message of an interruption.
     *
     * @param count the number of indices
     * @param threads at most this many threads
     * @param task the task
     * @param what names the work in messages
     * @throws IOException the first task failure, as thrown
     */
    public static void forEachIndex(int count, int threads, IndexedTask task, String what) throws IOException {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        int workers = Math.min(threads, count);
        if (workers <= 1) {
            for (int i = 0; i < count; i++) {
                task.run(i);
            }
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        AtomicInteger next = new AtomicInteger();
        try {
            List<Future<?>> futures = new ArrayList<>(workers);
            for (int w = 0; w < workers; w++) {
                futures.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                        try {
                            task.run(i);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while " + what);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException(cause);
        } finally {
            pool.shutdownNow();
        }
    }
}
