package ai.kard.api;

import java.util.List;
import java.util.Objects;

/**
 * What a trained model answered for one question.
 *
 * @param questionId the question's id
 * @param option     index of the chosen option, or {@code null} when no option could be extracted
 * @param output     the generated text (rationale and answer line)
 * @param passageIds the knowledge passages the model was given, in prompt order
 */
public record Prediction(String questionId, Integer option, String output, List<String> passageIds) {
    /**
     * Checks the fields and copies the passage ids.
     *
     * @param questionId see the record's description
     * @param option     see the record's description
     * @param output     see the record's description
     * @param passageIds see the record's description
     */
    public Prediction {
        Objects.requireNonNull(questionId, "questionId");
        Objects.requireNonNull(output, "output");
        passageIds = List.copyOf(passageIds);
    }

    /**
     * Whether an option was extracted from the output.
     *
     * @return true when {@link #option()} is not null
     */
    public boolean answered() {
        return option != null;
    }

    /**
     * Whether the chosen option is the gold answer.
     *
     * @param question the question this prediction answers
     * @return true when the chosen option is {@code question}'s gold answer
     */
    public boolean isCorrect(Question question) {
        return option != null && option.equals(question.answer());
    }
}
