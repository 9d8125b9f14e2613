package ai.kard.retrieval.internal;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.Bits;

/**
 * Top-k of a pure disjunction of term clauses (a bag-of-words BM25 query) on one index segment, by MaxScore over
 * fixed windows of {@value #WINDOW} documents. Written for rationale-length queries (a hundred distinct terms and
 * more), where Lucene 9.12's own {@code MaxScoreBulkScorer} spends most of its time re-partitioning: it ends a
 * window at the first impact-block boundary (128 documents) of any essential clause, and every window re-reads the
 * block maxima of all clauses and sorts them. Here a window is always {@value #WINDOW} documents:
 * <ol>
 *   <li>each clause's maximum score inside the window comes from its impacts ({@link Scorer#getMaxScore});
 *   <li>clauses sorted by that maximum; the longest prefix whose maxima sum to no more than the current k-th best
 *       score is "non-essential": a document that matches only those cannot enter the top k;
 *   <li>the essential clauses are scored term at a time into a window-sized accumulator;
 *   <li>each document found there is completed with the non-essential clauses, best first, and dropped as soon as
 *       its score plus the maxima still to add cannot beat the k-th best.
 * </ol>
 * Term scores are Lucene's own ({@link Scorer#score()} of each clause's {@code TermQuery} weight), summed in
 * double and rounded to float once, as Lucene's disjunctions do. Ties are broken by doc id, as Lucene's top-k
 * collector does (the result equals {@code IndexSearcher.search(query, k)}), or, given the segment's {@code id}
 * sorted doc values, by id (the result equals a search sorted by score, then id).
 */
public final class WindowedMaxScore {
    /** Documents per window: large enough that per-window work (sorting clauses) is small next to scoring. */
    static final int WINDOW = 4096;
    /** Slack on sums of maximum scores, so that double rounding never prunes a document that could compete. */
    private static final double SLACK = 1 + 1e-6;

    private WindowedMaxScore() {
    }

    /** Hits best first: global doc ids and their scores. */
    public record Hits(int[] docs, float[] scores) {
    }

    /** {@link #search(IndexSearcher, LeafReaderContext, List, int, SortedDocValues)}, ties broken by doc id. */
    public static Hits search(IndexSearcher searcher, LeafReaderContext leaf, List<Query> clauses, int k)
            throws IOException {
        return search(searcher, leaf, clauses, k, null);
    }

    /**
     * The top {@code k} documents of the disjunction of {@code clauses} (each a {@code TermQuery}, possibly
     * boosted) in the segment {@code leaf}, scored by {@code searcher}'s similarity.
     *
     * @param ids the segment's sorted doc values whose ord order breaks ties (a fresh iterator: it is advanced), or
     *            {@code null} to break ties by doc id
     */
    public static Hits search(IndexSearcher searcher, LeafReaderContext leaf, List<Query> clauses, int k,
                              SortedDocValues ids) throws IOException {
        Scorer[] scorers = new Scorer[clauses.size()];
        DocIdSetIterator[] iterators = new DocIdSetIterator[clauses.size()];
        int n = 0;
        for (Query clause : clauses) {
            Weight weight = searcher.createWeight(clause, ScoreMode.TOP_SCORES, 1f);
            Scorer scorer = weight.scorer(leaf);
            if (scorer != null) {
                scorers[n] = scorer;
                iterators[n] = scorer.iterator();
                n++;
            }
        }
        TopK top = new TopK(k, ids, leaf.docBase);
        int maxDoc = leaf.reader().maxDoc();
        Bits live = leaf.reader().getLiveDocs();
        double[] accumulated = new double[WINDOW];
        long[] matched = new long[WINDOW / Long.SIZE];
        long[] order = new long[n];
        double[] prefix = new double[n + 1];
        int windowMin = 0;
        while (windowMin < maxDoc) {
            int windowMax = (int) Math.min(maxDoc, (long) windowMin + WINDOW);
            // Clauses with a document in the window, by their maximum score in it (float bits sort as the floats).
            int inWindow = 0;
            int nextDoc = DocIdSetIterator.NO_MORE_DOCS;
            for (int i = 0; i < n; i++) {
                int doc = iterators[i].docID();
                if (doc >= windowMax) {
                    nextDoc = Math.min(nextDoc, doc);
                    continue;
                }
                scorers[i].advanceShallow(Math.max(doc, windowMin));
                float max = scorers[i].getMaxScore(windowMax - 1);
                order[inWindow++] = ((long) Float.floatToIntBits(max) << 32) | i;
            }
            if (inWindow == 0) {
                if (nextDoc == DocIdSetIterator.NO_MORE_DOCS) {
                    break;
                }
                windowMin = nextDoc - nextDoc % WINDOW;
                continue;
            }
            Arrays.sort(order, 0, inWindow);
            for (int j = 0; j < inWindow; j++) {
                prefix[j + 1] = prefix[j] + Float.intBitsToFloat((int) (order[j] >>> 32));
            }
            float kth = top.threshold();
            int firstEssential = 0;
            while (firstEssential < inWindow && top.cannotReach(prefix[firstEssential + 1], kth)) {
                firstEssential++;
            }
            if (firstEssential < inWindow) {
                for (int j = firstEssential; j < inWindow; j++) {
                    int i = (int) order[j];
                    DocIdSetIterator it = iterators[i];
                    int doc = it.docID() < windowMin ? it.advance(windowMin) : it.docID();
                    for (; doc < windowMax; doc = it.nextDoc()) {
                        if (live == null || live.get(doc)) {
                            int at = doc - windowMin;
                            accumulated[at] += scorers[i].score();
                            matched[at >>> 6] |= 1L << at;
                        }
                    }
                }
                for (int word = 0; word < matched.length; word++) {
                    for (long bits = matched[word]; bits != 0; bits &= bits - 1) {
                        int at = (word << 6) + Long.numberOfTrailingZeros(bits);
                        double score = accumulated[at];
                        accumulated[at] = 0;
                        int doc = windowMin + at;
                        if (top.cannotReach(score + prefix[firstEssential], kth)) {
                            continue;
                        }
                        boolean competitive = true;
                        for (int j = firstEssential - 1; j >= 0; j--) {
                            int i = (int) order[j];
                            DocIdSetIterator it = iterators[i];
                            int at2 = it.docID() < doc ? it.advance(doc) : it.docID();
                            if (at2 == doc) {
                                score += scorers[i].score();
                            }
                            if (top.cannotReach(score + prefix[j], kth)) {
                                competitive = false;
                                break;
                            }
                        }
                        if (competitive && top.offer((float) score, doc)) {
                            kth = top.threshold();
                        }
                    }
                    matched[word] = 0;
                }
            }
            windowMin = windowMax;
        }
        return top.hits();
    }

    /**
     * The k best (score, doc) pairs seen so far, offered in increasing doc order: a min-heap whose top is the worst
     * (lowest score; of equal scores the larger tie-break key: the doc id, or the id's ord).
     */
    private static final class TopK {
        private final float[] scores;
        private final int[] docs;
        private final long[] keys;
        private final SortedDocValues ids;
        private final int docBase;
        private int size;

        TopK(int k, SortedDocValues ids, int docBase) {
            scores = new float[k];
            docs = new int[k];
            keys = new long[k];
            this.ids = ids;
            this.docBase = docBase;
        }

        /** The k-th best score (−∞ until k documents are held; BM25 scores are positive). */
        float threshold() {
            return size < scores.length ? Float.NEGATIVE_INFINITY : scores[0];
        }

        /**
         * True when a document whose score is at most {@code bound} cannot enter: below the k-th best score, or
         * equal to it when ties go by doc id (a later document loses them).
         */
        boolean cannotReach(double bound, float kth) {
            double slack = bound * SLACK;
            return ids == null ? slack <= kth : slack < kth;
        }

        /** Offers a document of the segment (its doc id within the segment); true when it entered. */
        boolean offer(float score, int doc) throws IOException {
            boolean full = size == scores.length;
            if (full && (score < scores[0] || (score == scores[0] && ids == null))) {
                return false;
            }
            long key = doc;
            if (ids != null) {
                if (!ids.advanceExact(doc)) {
                    throw new IOException("document " + doc + " has no id doc values; the index is corrupt");
                }
                key = ids.ordValue();
                if (full && score == scores[0] && key > keys[0]) {
                    return false;
                }
            }
            if (!full) {
                int i = size++;
                scores[i] = score;
                docs[i] = docBase + doc;
                keys[i] = key;
                siftUp(i);
                return true;
            }
            scores[0] = score;
            docs[0] = docBase + doc;
            keys[0] = key;
            siftDown(0);
            return true;
        }

        /** True when (a) ranks below (b). */
        private boolean worse(int a, int b) {
            return scores[a] < scores[b] || (scores[a] == scores[b] && keys[a] > keys[b]);
        }

        private void swap(int a, int b) {
            float s = scores[a];
            scores[a] = scores[b];
            scores[b] = s;
            int d = docs[a];
            docs[a] = docs[b];
            docs[b] = d;
            long key = keys[a];
            keys[a] = keys[b];
            keys[b] = key;
        }

        private void siftUp(int i) {
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (!worse(i, parent)) {
                    return;
                }
                swap(i, parent);
                i = parent;
            }
        }

        private void siftDown(int i) {
            while (true) {
                int left = 2 * i + 1;
                if (left >= size) {
                    return;
                }
                int worst = left + 1 < size && worse(left + 1, left) ? left + 1 : left;
                if (!worse(worst, i)) {
                    return;
                }
                swap(i, worst);
                i = worst;
            }
        }

        Hits hits() {
            int[] outDocs = new int[size];
            float[] outScores = new float[size];
            for (int i = size - 1; i >= 0; i--) {
                outDocs[i] = docs[0];
                outScores[i] = scores[0];
                size--;
                swap(0, size);
                siftDown(0);
            }
            return new Hits(outDocs, outScores);
        }
    }
}
