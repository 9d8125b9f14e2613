package ai.kard.retrieval.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.util.BytesRef;

/**
 * Top-k by score, ties broken by passage id, over an index of any number of segments: {@link WindowedMaxScore} in
 * each segment (ties by the id's ord there, which is the id's byte order), then the segments' hits merged by score
 * and id bytes. Each segment after the first starts from the k-th best score found so far, so it skips what cannot
 * enter. An index is left in a few segments rather than merged into one: the final merge was the largest single
 * cost of a build.
 */
public final class SegmentedTopK {
    private static final Comparator<Hit> BEST_FIRST =
            Comparator.comparing(Hit::score, Comparator.reverseOrder()).thenComparing(Hit::id);

    private SegmentedTopK() {
    }

    private record Hit(int doc, float score, BytesRef id) {
    }

    /** The top {@code k} of the disjunction of {@code clauses} in {@code searcher}'s index, best first. */
    public static WindowedMaxScore.Hits search(IndexSearcher searcher, List<Query> clauses, int k)
            throws IOException {
        return search(searcher, clauses, k, Float.NEGATIVE_INFINITY);
    }

    /**
     * As above, given that the k-th best score is at least {@code floor} (documents scoring less are not looked
     * at; with a floor above the k-th best score, fewer than k hits come back).
     */
    public static WindowedMaxScore.Hits search(IndexSearcher searcher, List<Query> clauses, int k, float floor)
            throws IOException {
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        if (leaves.size() == 1) {
            LeafReaderContext leaf = leaves.get(0);
            return WindowedMaxScore.search(searcher, leaf, clauses, k, DocValues.getSorted(leaf.reader(), Fields.ID),
                    floor);
        }
        List<Hit> best = new ArrayList<>();
        for (LeafReaderContext leaf : leaves) {
            WindowedMaxScore.Hits hits = WindowedMaxScore.search(searcher, leaf, clauses, k,
                    DocValues.getSorted(leaf.reader(), Fields.ID), floor);
            BytesRef[] ids = PassageIds.of(leaves, hits.docs());
            for (int i = 0; i < ids.length; i++) {
                best.add(new Hit(hits.docs()[i], hits.scores()[i], ids[i]));
            }
            best.sort(BEST_FIRST);
            if (best.size() > k) {
                best.subList(k, best.size()).clear();
            }
            if (best.size() == k) {
                floor = Math.max(floor, best.get(k - 1).score());
            }
        }
        int[] docs = new int[best.size()];
        float[] scores = new float[best.size()];
        for (int i = 0; i < docs.length; i++) {
            docs[i] = best.get(i).doc();
            scores[i] = best.get(i).score();
        }
        return new WindowedMaxScore.Hits(docs, scores);
    }
}
