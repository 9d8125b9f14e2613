package ai.kard.api;

import java.util.Objects;

/**
 * A teacher's step-by-step explanation for one question. A question may have several.
 *
 * @param questionId the id of the question it explains
 * @param text       the explanation
 */
public record Rationale(String questionId, String text) {
    /**
     * Checks that both fields are present.
     *
     * @param questionId see the record's description
     * @param text       see the record's description
     */
    public Rationale {
        Objects.requireNonNull(questionId, "questionId");
        Objects.requireNonNull(text, "text");
    }
}
