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
    public Prediction {
        Objects.requireNonNull(questionId, "questionId");
        Objects.requireNonNull(output, "output");
        passageIds = List.copyOf(passageIds);
    }

    /** True when an option was extracted. */
    public boolean answered() {
        return option != null;
    }

    /** True when the chosen option is the question's gold answer. */
    public boolean isCorrect(Question question) {
        return option != null && option.equals(question.answer());
    }
}
