package ai.kard.core.answer;

import java.util.Map;
import java.util.TreeMap;

/** Counts of rationales per filter reason; thread-safe so concurrent teacher workers can share one. */
public final class FilterReport {
    private final Map<String, Long> byReason = new TreeMap<>();
    private long kept;
    private long dropped;
    private long unverified;

    /**
     * Records one rationale's verdict ({@code unverified} ones count apart from kept and dropped).
     *
     * @param reason the reason (a {@code RationaleFilter} constant)
     * @param keep true when the rationale is kept
     */
    public synchronized void add(String reason, boolean keep) {
        byReason.merge(reason, 1L, Long::sum);
        if (RationaleFilter.UNVERIFIED.equals(reason)) {
            unverified++;
        } else if (keep) {
            kept++;
        } else {
            dropped++;
        }
    }

    /**
     * Rationales kept.
     *
     * @return the count
     */
    public synchronized long kept() {
        return kept;
    }

    /**
     * Rationales dropped by a filter.
     *
     * @return the count
     */
    public synchronized long dropped() {
        return dropped;
    }

    /**
     * Rationales of unknown questions (neither kept nor dropped).
     *
     * @return the count
     */
    public synchronized long unverified() {
        return unverified;
    }

    /**
     * All rationales recorded.
     *
     * @return the count
     */
    public synchronized long total() {
        return kept + dropped + unverified;
    }

    /**
     * Reason -> count, sorted by reason.
     *
     * @return the counts by reason
     */
    public synchronized Map<String, Long> byReason() {
        return new TreeMap<>(byReason);
    }

    @Override
    public synchronized String toString() {
        return "kept=" + kept + " dropped=" + dropped + (unverified > 0 ? " unverified=" + unverified : "")
                + " " + byReason;
    }
}
