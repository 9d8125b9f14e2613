package ai.kard.core.rerank;

import java.util.Arrays;
import java.util.Locale;

/**
 * Hits@k of a relevant passage in BM25's own top k and after reranking BM25's top candidates.
 *
 * @param ks         the cut-offs
 * @param bm25       share of queries with a relevant passage in BM25's top k, per cut-off
 * @param reranked   the same after reranking BM25's top {@code candidates}
 * @param candidates how many BM25 candidates were reranked
 * @param queries    queries measured
 */
public record HitsAtK(int[] ks, double[] bm25, double[] reranked, int candidates, int queries) {

    /**
     * A line such as {@code Hits@1 bm25=0.310 reranker=0.650 | Hits@3 ...}.
     *
     * @return one line, {@code Hits@k bm25=x reranker=y} per k
     */
    public String format() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ks.length; i++) {
            sb.append(i == 0 ? "" : " | ").append(String.format(Locale.ROOT, "Hits@%d bm25=%.3f reranker=%.3f", ks[i],
                    bm25[i], reranked[i]));
        }
        return sb.append(String.format(Locale.ROOT, " (n=%d, reranking BM25 top-%d)", queries, candidates)).toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HitsAtK h && Arrays.equals(ks, h.ks) && Arrays.equals(bm25, h.bm25)
                && Arrays.equals(reranked, h.reranked) && candidates == h.candidates && queries == h.queries;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ks) * 31 + Arrays.hashCode(reranked);
    }

    @Override
    public String toString() {
        return "HitsAtK(" + format() + ")";
    }
}
