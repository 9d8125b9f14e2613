package ai.kard.core.answer;

import ai.kard.api.Question;
import ai.kard.core.data.RationaleRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Keeps a rationale when the answer extracted from it is the gold answer (KARD's rationale filter); every other
 * rationale is kept in the output with {@code kept=false} and a reason, so nothing paid for is lost. Reasons,
 * checked in this order: {@code empty}, {@code truncated} (finish reason
 * "length"), {@code content_filter}, {@code artefact} (a refusal or "same as the first question" reply that
 * refers to the few-shot prompt instead of explaining), {@code duplicate} (same text as an earlier rationale of
 * the question, ignoring case and spacing), {@code no_answer}, {@code wrong_answer}; else {@code kept}. A
 * question without a gold answer cannot be checked: its rationales get {@code unverified} and no verdict.
 */
public final class RationaleFilter {
    /** Kept: the extracted answer is the gold answer. */
    public static final String KEPT = "kept";
    /** Dropped: no text. */
    public static final String EMPTY = "empty";
    /** Dropped: the completion hit its token limit (finish reason "length"). */
    public static final String TRUNCATED = "truncated";
    /** Dropped: the endpoint's content filter stopped the completion. */
    public static final String CONTENT_FILTER = "content_filter";
    /** Dropped: a refusal or a reply that refers to the few-shot prompt instead of explaining. */
    public static final String ARTEFACT = "artefact";
    /** Dropped: the same text as an earlier rationale of the question (ignoring case and spacing). */
    public static final String DUPLICATE = "duplicate";
    /** Dropped: no answer could be extracted. */
    public static final String NO_ANSWER = "no_answer";
    /** Dropped: the extracted answer is not the gold answer. */
    public static final String WRONG_ANSWER = "wrong_answer";
    /** Neither kept nor dropped: the question is unknown or has no gold answer. */
    public static final String UNVERIFIED = "unverified";

    private static final Pattern ARTEFACTS = Pattern.compile("(?i)(?:identical|same)\\s+(?:as|to)\\s+the\\s+"
            + "(?:first|previous|last|above|earlier)\\s+(?:question|one|example)|repeat(?:ed)?\\s+(?:of\\s+)?the\\s+"
            + "(?:first|previous)\\s+question|\\bas an ai language model\\b|^\\s*i(?:'m| am) sorry\\b|^\\s*i cannot\\b"
            + "|refer to the previous explanation");

    private RationaleFilter() {
    }

    /**
     * The records of ONE question with their verdicts, in input order. {@code question} may be null (unknown
     * question): everything is {@code unverified}.
     *
     * @param question the question, or null when unknown
     * @param records the records of one question
     * @param report receives each verdict (may be null)
     * @return the records with their verdicts
     */
    public static List<RationaleRecord> filter(Question question, List<RationaleRecord> records, FilterReport report) {
        List<RationaleRecord> out = new ArrayList<>(records.size());
        Set<String> seen = new HashSet<>();
        for (RationaleRecord r : records) {
            if (r.isError()) {
                out.add(r); // a failed question, not a rationale: counted by the teacher's summary
                continue;
            }
            String reason = reason(question, r, seen);
            if (reason.equals(UNVERIFIED)) {
                report.add(UNVERIFIED, true);
                out.add(new RationaleRecord(r.questionId(), r.row(), r.text(), null, UNVERIFIED, null, r.finishReason()));
            } else {
                boolean keep = reason.equals(KEPT);
                report.add(reason, keep);
                out.add(r.withVerdict(keep, reason));
            }
        }
        return out;
    }

    private static String reason(Question question, RationaleRecord r, Set<String> seen) {
        String text = r.text();
        if (text.isBlank()) {
            return EMPTY;
        }
        if ("length".equals(r.finishReason())) {
            return TRUNCATED;
        }
        if ("content_filter".equals(r.finishReason())) {
            return CONTENT_FILTER;
        }
        if (ARTEFACTS.matcher(text).find()) {
            return ARTEFACT;
        }
        if (!seen.add(text.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").strip())) {
            return DUPLICATE;
        }
        if (question == null || question.answer() == null) {
            return UNVERIFIED;
        }
        Extraction e = AnswerExtractor.extract(text, question.options());
        if (!e.found()) {
            return NO_ANSWER;
        }
        return e.option().equals(question.answer()) ? KEPT : WRONG_ANSWER;
    }
}
