package ai.kard.core.rerank;

/**
 * The validation figures of a trained reranker on held-out pairs.
 *
 * @param amongCandidates the rationale's best passage ranked first / top-3 / top-5 among the pair's candidates
 * @param hits            Hits@k of that passage when reranking BM25(question)'s top candidates, next to BM25's own
 */
public record RerankValidation(CandidateRanking amongCandidates, HitsAtK hits) {
    /**
     * The validation as printed by the command line.
     *
     * @return one or two lines
     */
    public String format() {
        return amongCandidates.format() + "\nrationale's best passage, " + hits.format();
    }
}
