package ai.kard.retrieval.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopScoreDocCollectorManager;
import org.apache.lucene.util.BytesRef;

/**
 * Top-k by score, ties broken by passage id, from Lucene's own top-k collector (which breaks ties by doc id): for
 * a handful of terms its block-max pruning beats {@link SegmentedTopK}. It collects a few more than k; when the
 * last one collected scores below the k-th, every document scoring as much as the k-th is among them, and the tie
 * at the k-th place is settled by id. Otherwise (the tie runs past what was collected) {@link SegmentedTopK} finds
 * the top k knowing the k-th best score, so it looks at nothing scoring less.
 */
public final class LuceneTopK {
    private LuceneTopK() {
    }

    /** More documents collected than asked for, so that a tie at the k-th place usually ends inside them. */
    static int collected(int k) {
        return k + k / 8 + 8;
    }

    /**
     * The top {@code k} of {@code query} (the disjunction of {@code clauses}), in no particular order: the caller
     * sorts by score and id.
     */
    public static WindowedMaxScore.Hits search(IndexSearcher searcher, Query query, List<Query> clauses, int k)
            throws IOException {
        int wanted = collected(k);
        ScoreDoc[] hits = searcher.search(query, new TopScoreDocCollectorManager(wanted, null, wanted)).scoreDocs;
        if (hits.length == wanted && hits[wanted - 1].score == hits[k - 1].score) {
            return SegmentedTopK.search(searcher, clauses, k, hits[k - 1].score);
        }
        int n = Math.min(k, hits.length);
        float kth = n == 0 ? 0 : hits[n - 1].score;
        // Hits above the k-th score are in; of those tied with it, the smallest ids.
        int above = 0;
        while (above < n && hits[above].score > kth) {
            above++;
        }
        List<ScoreDoc> tied = new ArrayList<>();
        for (int i = above; i < hits.length && hits[i].score == kth; i++) {
            tied.add(hits[i]);
        }
        int[] docs = new int[n];
        float[] scores = new float[n];
        for (int i = 0; i < above; i++) {
            docs[i] = hits[i].doc;
            scores[i] = hits[i].score;
        }
        if (tied.size() > n - above) {
            tied = byId(searcher, tied);
        }
        for (int i = above; i < n; i++) {
            docs[i] = tied.get(i - above).doc;
            scores[i] = kth;
        }
        return new WindowedMaxScore.Hits(docs, scores);
    }

    /** The hits sorted by passage id (bytes, as doc values order them). */
    private static List<ScoreDoc> byId(IndexSearcher searcher, List<ScoreDoc> hits) throws IOException {
        int[] docs = hits.stream().mapToInt(h -> h.doc).toArray();
        BytesRef[] ids = PassageIds.of(searcher.getIndexReader().leaves(), docs);
        Integer[] order = new Integer[docs.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparing(i -> ids[i]));
        List<ScoreDoc> sorted = new ArrayList<>(order.length);
        for (int i : order) {
            sorted.add(hits.get(i));
        }
        return sorted;
    }
}
