package ai.kard.core.rerank;

import ai.kard.api.KnowledgeBase;
import ai.kard.api.Passage;
import ai.kard.api.Reranker;
import ai.kard.api.ScoredPassage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The reranker's validation figures: how it ranks the rationale's best passage among the candidates. */
public final class RerankEvaluation {
    /** The cut-offs reported by default. */
    public static final int[] DEFAULT_KS = {1, 3, 10};
    /** BM25 candidates reranked by default. */
    public static final int DEFAULT_CANDIDATES = 100;

    private RerankEvaluation() {
    }

    /**
     * Rank of each held-out pair's rationale-best passage among all its candidates, as the reranker orders them.
     *
     * @param kb the knowledge base to search
     * @param reranker the reranker to evaluate
     * @param pairs the held-out (question, rationale) pairs
     * @param candidates how many BM25 candidates each pair has
     * @return the ranks
     * @throws IOException when the search fails
     */
    public static CandidateRanking amongCandidates(KnowledgeBase kb, Reranker reranker, List<RerankerPair> pairs,
            List<PairCandidates> candidates) throws IOException {
        int top1 = 0;
        int top3 = 0;
        int top5 = 0;
        int n = 0;
        for (int i = 0; i < pairs.size(); i++) {
            PairCandidates c = candidates.get(i);
            if (c.best() < 0 || c.ids().size() < 2) {
                continue;
            }
            List<Passage> passages = new ArrayList<>(c.ids().size());
            for (String id : c.ids()) {
                passages.add(kb.passage(id).orElseThrow(() -> new IllegalArgumentException("unknown passage " + id)));
            }
            List<ScoredPassage> ranked = reranker.rerank(pairs.get(i).query(), passages, passages.size());
            String best = c.ids().get(c.best());
            int rank = 0;
            while (!ranked.get(rank).id().equals(best)) {
                rank++;
            }
            top1 += rank < 1 ? 1 : 0;
            top3 += rank < 3 ? 1 : 0;
            top5 += rank < 5 ? 1 : 0;
            n++;
        }
        return n == 0 ? new CandidateRanking(Double.NaN, Double.NaN, Double.NaN, 0)
                : new CandidateRanking(top1 / (double) n, top3 / (double) n, top5 / (double) n, n);
    }

    /**
     * Hits@k of a relevant passage per query: in BM25(query)'s own top k, and after reranking BM25's top
     * {@code candidates}. A query's relevant set may hold several ids (any one counts).
     *
     * @param kb the knowledge base to search
     * @param reranker the reranker to evaluate
     * @param queries the queries
     * @param relevant each query's relevant passage ids
     * @param candidates how many BM25 candidates are reranked
     * @param ks the cut-offs k of Hits@k
     * @return Hits@k of BM25 and of the reranker
     * @throws IOException when the search fails
     */
    public static HitsAtK hits(KnowledgeBase kb, Reranker reranker, List<String> queries, List<Set<String>> relevant,
            int candidates, int... ks) throws IOException {
        if (queries.size() != relevant.size()) {
            throw new IllegalArgumentException(queries.size() + " queries for " + relevant.size() + " relevant sets");
        }
        if (candidates < 1) {
            throw new IllegalArgumentException("candidates must be >= 1, got " + candidates);
        }
        int[] cutoffs = ks.length == 0 ? DEFAULT_KS : ks.clone();
        double[] bm25 = new double[cutoffs.length];
        double[] reranked = new double[cutoffs.length];
        List<List<ScoredPassage>> retrieved = kb.searchAll(queries, candidates);
        for (int q = 0; q < queries.size(); q++) {
            List<ScoredPassage> hits = retrieved.get(q);
            List<Passage> passages = hits.stream().map(ScoredPassage::passage).toList();
            List<ScoredPassage> order = reranker.rerank(queries.get(q), passages, passages.size());
            for (int i = 0; i < cutoffs.length; i++) {
                bm25[i] += found(hits, relevant.get(q), cutoffs[i]) ? 1 : 0;
                reranked[i] += found(order, relevant.get(q), cutoffs[i]) ? 1 : 0;
            }
        }
        for (int i = 0; i < cutoffs.length; i++) {
            bm25[i] /= Math.max(1, queries.size());
            reranked[i] /= Math.max(1, queries.size());
        }
        return new HitsAtK(cutoffs, bm25, reranked, candidates, queries.size());
    }

    /**
     * {@link #hits} with each held-out pair's rationale-best passage as the relevant one.
     *
     * @param kb the knowledge base to search
     * @param reranker the reranker to evaluate
     * @param pairs the held-out (question, rationale) pairs
     * @param candidates how many BM25 candidates are reranked
     * @param reranked how many reranked passages are kept
     * @param ks the cut-offs k of Hits@k
     * @return Hits@k of BM25 and of the reranker
     * @throws IOException when the search fails
     */
    public static HitsAtK rationaleHits(KnowledgeBase kb, Reranker reranker, List<RerankerPair> pairs,
            List<PairCandidates> candidates, int reranked, int... ks) throws IOException {
        List<String> queries = new ArrayList<>();
        List<Set<String>> relevant = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            PairCandidates c = candidates.get(i);
            if (c.best() >= 0) {
                queries.add(pairs.get(i).query());
                relevant.add(Set.of(c.ids().get(c.best())));
            }
        }
        return hits(kb, reranker, queries, relevant, reranked, ks);
    }

    private static boolean found(List<ScoredPassage> ranked, Set<String> relevant, int k) {
        for (int i = 0; i < Math.min(k, ranked.size()); i++) {
            if (relevant.contains(ranked.get(i).id())) {
                return true;
            }
        }
        return false;
    }
}
