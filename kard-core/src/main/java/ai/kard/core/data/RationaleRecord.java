package ai.kard.core.data;

import ai.kard.api.Rationale;

/**
 * One line of a rationale file, with the bookkeeping fields the teacher and the importer add.
 *
 * @param questionId   the question's id; null only for raw teacher responses known by row number alone
 * @param row          row index of the question in its split when the source keys by row (released files), or null
 * @param text         the rationale, or null on an error line
 * @param kept         whether filtering kept it; null when not filtered
 * @param reason       why it was kept or dropped ({@code kept}, {@code wrong_answer}, ...), or null
 * @param error        for a question the teacher finally failed on: what went wrong; otherwise null
 * @param finishReason the LLM's finish reason when known ({@code stop}, {@code length}, ...), or null
 */
public record RationaleRecord(String questionId, Integer row, String text, Boolean kept, String reason,
                              String error, String finishReason) {
    /**
     * Checks that the record has a question id or a row, and text or an error.
     *
     * @param questionId the question's id; null only for raw teacher responses known by row number alone
     * @param row row index of the question in its split when the source keys by row (released files), or null
     * @param text the rationale, or null on an error line
     * @param kept whether filtering kept it; null when not filtered
     * @param reason why it was kept or dropped ({@code kept}, {@code wrong_answer}, ...), or null
     * @param error for a question the teacher finally failed on: what went wrong; otherwise null
     * @param finishReason the LLM's finish reason when known ({@code stop}, {@code length}, ...), or null
     */
    public RationaleRecord {
        if (questionId == null && row == null) {
            throw new IllegalArgumentException("a rationale record needs a question id or a row");
        }
        if ((text == null) == (error == null)) {
            throw new IllegalArgumentException("a rationale record has either a text or an error, not "
                    + (text == null ? "neither" : "both"));
        }
    }

    /**
     * A plain, unfiltered rationale.
     *
     * @param questionId the question id
     * @param text the rationale text
     * @return the record
     */
    public static RationaleRecord of(String questionId, String text) {
        return new RationaleRecord(questionId, null, text, null, null, null, null);
    }

    /**
     * The line recorded for a question the teacher failed on.
     *
     * @param questionId the question id
     * @param error what went wrong
     * @return the error record
     */
    public static RationaleRecord failure(String questionId, String error) {
        return new RationaleRecord(questionId, null, null, null, null, error, null);
    }

    /**
     * True for an error line.
     *
     * @return true for an error line
     */
    public boolean isError() {
        return error != null;
    }

    /**
     * True when this rationale may be used for training: not an error and not dropped by a filter.
     *
     * @return true when usable for training
     */
    public boolean usable() {
        return error == null && !Boolean.FALSE.equals(kept);
    }

    /**
     * This record with the filter's verdict.
     *
     * @param keep true when the rationale is kept
     * @param why the reason (a {@code RationaleFilter} constant)
     * @return a copy with the verdict
     */
    public RationaleRecord withVerdict(boolean keep, String why) {
        return new RationaleRecord(questionId, row, text, keep, why, error, finishReason);
    }

    /**
     * This record attached to a question id (for row-keyed sources).
     *
     * @param id the question id
     * @return a copy with the id
     */
    public RationaleRecord withQuestionId(String id) {
        return new RationaleRecord(id, row, text, kept, reason, error, finishReason);
    }

    /**
     * The API value; fails for error lines and rows without an id.
     *
     * @return the rationale
     */
    public Rationale toRationale() {
        if (text == null || questionId == null) {
            throw new IllegalStateException("record " + this + " is not a rationale");
        }
        return new Rationale(questionId, text);
    }
}
