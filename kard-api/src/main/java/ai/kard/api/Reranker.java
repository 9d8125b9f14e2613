package ai.kard.api;

import java.util.List;

/**
 * Reorders a question's candidate passages by how useful they are for writing its rationale.
 * Implementations are thread-safe.
 */
public interface Reranker {

    /** The {@code k} best of {@code candidates} for {@code query}, best first, with the reranker's scores. */
    List<ScoredPassage> rerank(String query, List<Passage> candidates, int k);
}
