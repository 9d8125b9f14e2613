package ai.kard.api;

import java.util.Comparator;
import java.util.Objects;

/**
 * A passage with the score a retriever or reranker gave it for one query. Higher is better.
 *
 * @param passage the passage
 * @param score   its score for the query (BM25, reranker or cosine; comparable only within one result list)
 */
public record ScoredPassage(Passage passage, double score) {
    /** Best first; equal scores ordered by passage id so that results are deterministic. */
    public static final Comparator<ScoredPassage> BEST_FIRST =
            Comparator.comparingDouble(ScoredPassage::score).reversed()
                    .thenComparing(sp -> sp.passage().id());

    /**
     * Checks that the passage is present.
     *
     * @param passage see the record's description
     * @param score   see the record's description
     */
    public ScoredPassage {
        Objects.requireNonNull(passage, "passage");
    }

    /**
     * The passage's id.
     *
     * @return {@code passage().id()}
     */
    public String id() {
        return passage.id();
    }
}
