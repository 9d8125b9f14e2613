package ai.kard.retrieval.eval;

import ai.kard.api.InvalidInputException;
import ai.kard.api.KnowledgeBase;
import ai.kard.api.ScoredPassage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs every judged query against a knowledge base and averages nDCG@10, Recall@1, Recall@10 and Recall@k over
 * the queries with at least one relevant passage (BEIR's convention: queries without judgements are not asked).
 *
 * @param queries   number of queries evaluated
 * @param top       depth retrieved per query
 * @param ndcg10    mean nDCG@10
 * @param recall1   mean Recall@1
 * @param recall10  mean Recall@10
 * @param recall100 mean Recall@100 (Recall@top when top is smaller)
 * @param recallTop mean Recall@top
 */
public record RetrievalEvaluation(int queries, int top, double ndcg10, double recall1, double recall10,
                                  double recall100, double recallTop) {

    /** Ranks many queries at once: {@code k} passages per query, best first, in query order. */
    @FunctionalInterface
    public interface Ranker {
        /**
         * The top {@code k} of each query.
         *
         * @param queries the query texts
         * @param k passages per query
         * @return one ranking per query, in query order
         * @throws IOException when the search fails
         */
        List<List<ScoredPassage>> rankAll(List<String> queries, int k) throws IOException;
    }

    /**
     * @param queryFile reported in the error when a judged query has no text
     * @param kb the knowledge base to search
     * @param queryTexts the query texts
     * @param qrels the relevance judgements
     * @param top passages retrieved per query (recall is measured at this depth)
     * @return the mean nDCG@10 and recall@1, 10, 100 and at {@code top} over the judged queries
     * @throws IOException when the search fails
     */
    public static RetrievalEvaluation run(KnowledgeBase kb, Map<String, String> queryTexts, Qrels qrels, int top,
                                          Path queryFile) throws IOException {
        return run(kb::searchAll, queryTexts, qrels, top, queryFile);
    }

    /**
     * {@link #run(KnowledgeBase, Map, Qrels, int, Path)} with any ranking of the judged queries (e.g. BM25's top
     * candidates reranked by a neural model).
     *
     * @param ranker ranks the judged queries
     * @param queryTexts the query texts
     * @param qrels the relevance judgements
     * @param top passages retrieved per query (recall is measured at this depth)
     * @param queryFile reported in the error when a judged query has no text
     * @return the mean nDCG@10 and recall@1, 10, 100 and at {@code top} over the judged queries
     * @throws IOException when the search fails
     */
    public static RetrievalEvaluation run(Ranker ranker, Map<String, String> queryTexts, Qrels qrels, int top,
                                          Path queryFile) throws IOException {
        if (top < 10) {
            throw new IllegalArgumentException("top must be at least 10 (nDCG@10 needs it), got " + top);
        }
        List<String> ids = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (Map.Entry<String, Map<String, Integer>> e : qrels.judgements().entrySet()) {
            if (e.getValue().values().stream().noneMatch(g -> g > 0)) {
                continue;
            }
            String text = queryTexts.get(e.getKey());
            if (text == null) {
                throw new InvalidInputException(queryFile, 0, "judged query '" + e.getKey() + "' is not in the queries file");
            }
            ids.add(e.getKey());
            texts.add(text);
        }
        if (ids.isEmpty()) {
            throw new InvalidInputException("no query has a relevant passage in the qrels");
        }
        List<List<ScoredPassage>> results = ranker.rankAll(texts, top);
        double ndcg = 0;
        double r1 = 0;
        double r10 = 0;
        double r100 = 0;
        double rTop = 0;
        for (int i = 0; i < ids.size(); i++) {
            List<String> ranking = results.get(i).stream().map(ScoredPassage::id).toList();
            Map<String, Integer> judged = qrels.of(ids.get(i));
            ndcg += RetrievalMetrics.ndcg(ranking, judged, 10);
            r1 += RetrievalMetrics.recall(ranking, judged, 1);
            r10 += RetrievalMetrics.recall(ranking, judged, 10);
            r100 += RetrievalMetrics.recall(ranking, judged, Math.min(100, top));
            rTop += RetrievalMetrics.recall(ranking, judged, top);
        }
        int n = ids.size();
        return new RetrievalEvaluation(n, top, ndcg / n, r1 / n, r10 / n, r100 / n, rTop / n);
    }
}
