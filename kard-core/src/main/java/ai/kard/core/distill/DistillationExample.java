package ai.kard.core.distill;

import java.util.List;
import java.util.Objects;

/**
 * One training example: the prompt parts of a question with the passages retrieved with one of its rationales
 * (none in RD mode), and the target text (the rationale followed by {@code \nAnswer: X}).
 *
 * @param questionId the question's id
 * @param input      question, options and passage texts
 * @param passageIds ids of the passages in {@code input}, in order
 * @param target     rationale and answer line
 */
record DistillationExample(String questionId, PromptInput input, List<String> passageIds, String target) {
    public DistillationExample {
        Objects.requireNonNull(questionId, "questionId");
        Objects.requireNonNull(input, "input");
        passageIds = List.copyOf(passageIds);
        Objects.requireNonNull(target, "target");
    }
}
