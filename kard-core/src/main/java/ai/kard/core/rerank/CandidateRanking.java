package ai.kard.core.rerank;

import java.util.Locale;

/**
 * How often the reranker ranks the rationale's best passage (its BM25 top-1) first, in the top 3 and in the top 5
 * among a held-out pair's mined candidates.
 */
public record CandidateRanking(double top1, double top3, double top5, int pairs) {
    /**
     * One line: the share of pairs whose rationale-best passage the reranker ranks first, in its top 3 and in its top
     * 5.
     *
     * @return the line
     */
    public String format() {
        return String.format(Locale.ROOT, "rationale's best passage among the candidates: first=%.3f top3=%.3f"
                + " top5=%.3f (n=%d)", top1, top3, top5, pairs);
    }
}
