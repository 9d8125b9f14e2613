package ai.kard.api;

import java.util.Comparator;
import java.util.Objects;

/**
 * A passage with the score a retriever or reranker gave it for one query. Higher is better.
 */
public record ScoredPassage(Passage passage, double score) {
    /** Best first; equal scores ordered by passage id so that results are deterministic. */
    public static final Comparator<ScoredPassage> BEST_FIRST =
            Comparator.comparingDouble(ScoredPassage::score).reversed()
                    .thenComparing(sp -> sp.passage().id());

    public ScoredPassage {
        Objects.requireNonNull(passage, "passage");
    }

    public String id() {
        return passage.id();
    }
}
