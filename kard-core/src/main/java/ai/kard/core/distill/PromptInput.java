package ai.kard.core.distill;

import ai.kard.api.Passage;
import ai.kard.api.Question;
import java.util.List;
import java.util.Objects;

/**
 * What a prompt is made of: the question stem, its options and the passages shown with it (none in RD mode).
 *
 * @param question the question stem
 * @param options  the options, in order (option i gets the letter 'A' + i)
 * @param passages the passages' texts, best first; empty for plain reasoning distillation
 */
record PromptInput(String question, List<String> options, List<String> passages) {
    public PromptInput {
        Objects.requireNonNull(question, "question");
        options = List.copyOf(options);
        passages = List.copyOf(passages);
    }

    /** The prompt parts of {@code question} with {@code passages} (title and text, as retrieval sees them). */
    public static PromptInput of(Question question, List<? extends Passage> passages) {
        return new PromptInput(question.text(), question.options(),
                passages.stream().map(Passage::contents).toList());
    }

    /** The same question without passages (RD mode). */
    public PromptInput withoutPassages() {
        return new PromptInput(question, options, List.of());
    }
}
