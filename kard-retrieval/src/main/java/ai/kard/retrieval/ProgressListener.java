package ai.kard.retrieval;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Told how far indexing has come; called from the indexing thread every few hundred thousand passages. */
@FunctionalInterface
public interface ProgressListener {
    /** Says nothing. */
    ProgressListener NONE = (passages, elapsedNanos) -> { };

    /**
     * @param passages     passages read and handed to the index writer so far
     * @param elapsedNanos time since the build started
     */
    void indexed(long passages, long elapsedNanos);

    /**
     * Logs progress at INFO through SLF4J.
     *
     * @return a listener that logs
     */
    static ProgressListener logging() {
        Logger log = LoggerFactory.getLogger(LuceneKnowledgeBase.class);
        return (passages, elapsedNanos) -> {
            double seconds = elapsedNanos / 1e9;
            log.info("indexed {} passages in {} s ({} passages/s)", passages,
                    String.format(Locale.ROOT, "%.1f", seconds),
                    String.format(Locale.ROOT, "%.0f", passages / Math.max(seconds, 1e-9)));
        };
    }
}
