package ai.kard.solr.internal;

import ai.kard.solr.BulkLoadOptions;
import java.io.IOException;
import java.io.InterruptedIOException;
import org.apache.solr.client.solrj.SolrServerException;
import org.apache.solr.common.SolrException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a SolrJ call again after a growing wait while it fails transiently. */
public final class Retry {
    private static final Logger LOG = LoggerFactory.getLogger(Retry.class);
    /** A SolrJ call. */
    @FunctionalInterface
    public interface SolrCall<T> {
        T call() throws SolrServerException, IOException;
    }

    private Retry() {
    }

    /**
     * Calls {@code call} up to {@code options.maxAttempts()} times while it fails transiently; a permanent failure
     * (a 4xx: the request itself is wrong) or the last transient one is thrown as an IOException naming
     * {@code what} and the number of tries.
     */
    public static <T> T call(BulkLoadOptions options, String what, SolrCall<T> call) throws IOException {
        return call(options, what, call, () -> { });
    }

    /** As {@link #call(BulkLoadOptions, String, SolrCall)}, telling {@code onRetry} before each new try. */
    public static <T> T call(BulkLoadOptions options, String what, SolrCall<T> call, Runnable onRetry)
            throws IOException {
        for (int attempt = 1; ; attempt++) {
            Exception failure;
            try {
                return call.call();
            } catch (SolrServerException | IOException | SolrException e) {
                failure = e;
            }
            if (!isTransient(failure) || attempt >= options.maxAttempts()) {
                String tries = attempt == 1 ? "" : " (after " + attempt + " tries)";
                throw new IOException(what + " failed" + tries + ": " + message(failure), failure);
            }
            LOG.warn("{} failed (try {} of {}), retrying in {} ms: {}", what, attempt, options.maxAttempts(),
                    options.backoffAfter(attempt).toMillis(), message(failure));
            try {
                Thread.sleep(options.backoffAfter(attempt).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while retrying " + what);
            }
            onRetry.run();
        }
    }

    /**
     * Transient: no answer (connection refused, a timeout), no live replica or leader for a shard, a 5xx, a 409
     * version conflict. Permanent: any other 4xx, e.g. a document the schema rejects.
     */
    public static boolean isTransient(Exception e) {
        if (e instanceof SolrException se) {
            int code = se.code();
            return code <= 0 || code >= 500 || code == 404 || code == 409 || code == 408 || code == 429;
        }
        return true; // SolrServerException, IOException: the request did not get an answer
    }

    private static String message(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.replace('\n', ' ');
    }
}
