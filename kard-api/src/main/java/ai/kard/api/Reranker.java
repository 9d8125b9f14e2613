package ai.kard.api;

import java.util.List;

/**
 * Reorders a question's candidate passages by how useful they are for writing its rationale.
 * Implementations are thread-safe.
 */
public interface Reranker {

    /**
     * Reranks candidates for a query.
     *
     * @param query      the question text
     * @param candidates the passages to reorder (typically BM25's top 100)
     * @param k          how many to keep
     * @return the {@code k} best of {@code candidates}, best first, with the reranker's scores
     */
    List<ScoredPassage> rerank(String query, List<Passage> candidates, int k);
}
