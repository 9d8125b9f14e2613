package ai.kard.solr;

import ai.kard.api.Experimental;
import ai.kard.api.InvalidSettingException;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link SolrKnowledgeBase#load} sends passages: batches of {@code batchSize} documents, {@code threads}
 * batches in flight at once, and a failed batch retried up to {@code maxAttempts} times in all, waiting
 * {@code initialBackoff}, then twice as long each time up to {@code maxBackoff}, when the failure is transient
 * (no route, a node down, a leader being elected, a timeout, a 5xx).
 *
 * @param batchSize      passages per update request, at least 1
 * @param threads        update requests in flight at once, at least 1
 * @param maxAttempts    tries per batch before the load fails, at least 1
 * @param initialBackoff wait before the first retry, positive
 * @param maxBackoff     longest wait between two tries, at least {@code initialBackoff}
 */
@Experimental
public record BulkLoadOptions(int batchSize, int threads, int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    /** 500 passages a batch, 2 in flight, 8 tries, 250 ms doubling to 8 s (about 30 s of retrying in all). */
    public static final BulkLoadOptions DEFAULT =
            new BulkLoadOptions(500, 2, 8, Duration.ofMillis(250), Duration.ofSeconds(8));

    /**
     * Validates the values.
     *
     * @param batchSize passages per update request, at least 1
     * @param threads update requests in flight at once, at least 1
     * @param maxAttempts tries per batch before the load fails, at least 1
     * @param initialBackoff wait before the first retry, positive
     * @param maxBackoff longest wait between two tries, at least {@code initialBackoff}
     */
    public BulkLoadOptions {
        if (batchSize < 1) {
            throw new InvalidSettingException("batch size must be at least 1, got " + batchSize);
        }
        if (threads < 1) {
            throw new InvalidSettingException("threads must be at least 1, got " + threads);
        }
        if (maxAttempts < 1) {
            throw new InvalidSettingException("max attempts must be at least 1, got " + maxAttempts);
        }
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (initialBackoff.isNegative() || initialBackoff.isZero()) {
            throw new InvalidSettingException("initial backoff must be positive, got " + initialBackoff);
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new InvalidSettingException("max backoff " + maxBackoff + " is shorter than the initial backoff "
                    + initialBackoff);
        }
    }

    /**
     * A copy with another batch size.
     *
     * @param n passages per update request
     * @return the copy
     */
    public BulkLoadOptions batchSize(int n) {
        return new BulkLoadOptions(n, threads, maxAttempts, initialBackoff, maxBackoff);
    }

    /**
     * A copy with another number of requests in flight.
     *
     * @param n requests in flight
     * @return the copy
     */
    public BulkLoadOptions threads(int n) {
        return new BulkLoadOptions(batchSize, n, maxAttempts, initialBackoff, maxBackoff);
    }

    /**
     * A copy with another number of tries per batch.
     *
     * @param n tries per batch
     * @return the copy
     */
    public BulkLoadOptions maxAttempts(int n) {
        return new BulkLoadOptions(batchSize, threads, n, initialBackoff, maxBackoff);
    }

    /**
     * A copy with other waits between tries.
     *
     * @param initial the wait before the first retry
     * @param max the longest wait
     * @return the copy
     */
    public BulkLoadOptions backoff(Duration initial, Duration max) {
        return new BulkLoadOptions(batchSize, threads, maxAttempts, initial, max);
    }

    /**
     * The wait before try {@code attempt + 1} (attempt counts from 1).
     *
     * @param attempt the tries made so far, from 1
     * @return the wait
     */
    public Duration backoffAfter(int attempt) {
        long millis = initialBackoff.toMillis() << Math.min(20, Math.max(0, attempt - 1));
        return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
    }

    @Override
    public String toString() {
        return "BulkLoad(batch=" + batchSize + ",threads=" + threads + ",attempts=" + maxAttempts + ",backoff="
                + initialBackoff.toMillis() + ".." + maxBackoff.toMillis() + "ms)";
    }
}
