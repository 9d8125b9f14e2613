package ai.kard.examples.demo;

import ai.kard.api.Passage;
import ai.kard.api.Rationale;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An invented-facts, knowledge-intensive benchmark: a corpus about fictional diseases, multiple-choice
 * questions per split and teacher-style rationales per split (the test rationales serve the oracle row).
 * Built by {@link DemoBenchmarkGenerator}, written by {@link DemoBenchmarkWriter}.
 */
public record DemoBenchmark(DemoConfig config, List<Passage> corpus, Map<Split, List<DemoQuestion>> questions,
                            Map<Split, List<Rationale>> rationales) {
    public DemoBenchmark {
        Objects.requireNonNull(config, "config");
        corpus = List.copyOf(corpus);
        questions = copy(questions);
        rationales = copy(rationales);
    }

    public List<DemoQuestion> questions(Split split) {
        return questions.get(split);
    }

    public List<Rationale> rationales(Split split) {
        return rationales.get(split);
    }

    private static <T> Map<Split, List<T>> copy(Map<Split, List<T>> bySplit) {
        Map<Split, List<T>> copy = new EnumMap<>(Split.class);
        for (Split split : Split.values()) {
            copy.put(split, List.copyOf(Objects.requireNonNull(bySplit.get(split), "split " + split)));
        }
        return Map.copyOf(copy);
    }
}
