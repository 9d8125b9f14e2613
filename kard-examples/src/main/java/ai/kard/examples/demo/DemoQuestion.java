package ai.kard.examples.demo;

import ai.kard.api.Question;
import java.util.Objects;

/**
 * A benchmark question with what the evaluation needs beyond the question itself.
 *
 * @param question      the multiple-choice question
 * @param kind          direct (names the entity) or two-hop (describes it in words the passages do not use)
 * @param goldPassageId the passage that holds the fact the question asks for
 */
public record DemoQuestion(Question question, Kind kind, String goldPassageId) {
    public DemoQuestion {
        Objects.requireNonNull(question, "question");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(goldPassageId, "goldPassageId");
    }

    /** How a question refers to its entity. */
    public enum Kind {
        DIRECT("direct"), TWO_HOP("two-hop");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** The value of the {@code kind} field in the questions' JSONL. */
        public String label() {
            return label;
        }
    }
}
