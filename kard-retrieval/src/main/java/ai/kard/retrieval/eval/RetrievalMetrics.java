package ai.kard.retrieval.eval;

import java.util.List;
import java.util.Map;

/**
 * Per-query ranking metrics as trec_eval / pytrec_eval (and so BEIR) compute them: graded nDCG with linear gain
 * and log2 discount, and recall over the passages judged relevant (grade &gt; 0).
 */
public final class RetrievalMetrics {
    private RetrievalMetrics() {
    }

    /**
     * nDCG@k of {@code ranking} (passage ids, best first); 0 when nothing is relevant.
     *
     * @param ranking passage ids, best first
     * @param judged the query's judged passages with their grades
     * @param k the cut-off
     * @return nDCG@k in [0, 1]
     */
    public static double ndcg(List<String> ranking, Map<String, Integer> judged, int k) {
        double dcg = 0;
        for (int i = 0; i < Math.min(k, ranking.size()); i++) {
            int grade = judged.getOrDefault(ranking.get(i), 0);
            if (grade > 0) {
                dcg += grade / log2(i + 2);
            }
        }
        int[] ideal = judged.values().stream().mapToInt(Integer::intValue).filter(g -> g > 0)
                .boxed().sorted((a, b) -> b - a).mapToInt(Integer::intValue).toArray();
        double idcg = 0;
        for (int i = 0; i < Math.min(k, ideal.length); i++) {
            idcg += ideal[i] / log2(i + 2);
        }
        return idcg == 0 ? 0 : dcg / idcg;
    }

    /**
     * Fraction of the relevant passages found in the first {@code k}; 0 when nothing is relevant.
     *
     * @param ranking passage ids, best first
     * @param judged the query's judged passages with their grades
     * @param k the cut-off
     * @return recall@k in [0, 1]
     */
    public static double recall(List<String> ranking, Map<String, Integer> judged, int k) {
        long relevant = judged.values().stream().filter(g -> g > 0).count();
        if (relevant == 0) {
            return 0;
        }
        long found = ranking.stream().limit(k).filter(id -> judged.getOrDefault(id, 0) > 0).count();
        return (double) found / relevant;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}
