package ai.kard.core.teacher;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * What a teacher run did.
 *
 * @param questions        questions in the input
 * @param alreadyComplete  questions skipped because the output already had them complete
 * @param done             questions completed in this run
 * @param failed           questions recorded with an error line in this run
 * @param kept             rationales kept in this run
 * @param dropped          rationales dropped (kept=false) in this run
 * @param reasons          reason -> count in this run
 * @param promptTokens     prompt tokens reported by the server
 * @param completionTokens completion tokens reported by the server
 * @param calls            successful requests
 * @param retries          retried requests
 * @param repaired         lines removed from an earlier, interrupted output before resuming
 * @param elapsed          wall time of this run
 */
public record TeacherSummary(int questions, int alreadyComplete, int done, int failed, long kept, long dropped,
                             Map<String, Long> reasons, long promptTokens, long completionTokens, long calls,
                             long retries, int repaired, Duration elapsed) {
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "questions=%d already_complete=%d done=%d failed=%d rationales_kept=%d "
                        + "rationales_dropped=%d reasons=%s prompt_tokens=%d completion_tokens=%d calls=%d retries=%d "
                        + "repaired_lines=%d elapsed=%ds", questions, alreadyComplete, done, failed, kept, dropped,
                reasons, promptTokens, completionTokens, calls, retries, repaired, elapsed.toSeconds());
    }
}
