package ai.kard.core.distill;

import ai.kard.api.Passage;
import ai.kard.api.Question;
import java.util.List;
import java.util.Objects;

/**
 * One training example: a question, the passages retrieved with one of its rationales (none in RD mode) and the
 * target text (the rationale followed by {@code \nAnswer: X}).
 */
public record DistillationExample(Question question, List<Passage> passages, String target) {
    public DistillationExample {
        Objects.requireNonNull(question, "question");
        passages = List.copyOf(passages);
        Objects.requireNonNull(target, "target");
    }

    /** Passage texts as the prompt shows them. */
    public List<String> passageTexts() {
        return passages.stream().map(Passage::contents).toList();
    }
}
