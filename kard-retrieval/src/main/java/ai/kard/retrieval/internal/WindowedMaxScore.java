package ai.kard.retrieval.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.lucene.index.ImpactsEnum;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.TermState;
import org.apache.lucene.index.TermStates;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MaxScoreCache;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.search.similarities.Similarity;
import org.apache.lucene.util.Bits;

/**
 * Top-k of a pure disjunction of term clauses (a bag-of-words BM25 query) on one index segment, by MaxScore over
 * fixed windows of {@value #WINDOW} documents. Written for rationale-length queries (a hundred distinct terms and
 * more), where Lucene 9.12's own {@code MaxScoreBulkScorer} spends most of its time re-partitioning: it ends a
 * window at the first impact-block boundary (128 documents) of any essential clause, and every window re-reads the
 * block maxima of all clauses and sorts them. Here a window is always {@value #WINDOW} documents:
 * <ol>
 *   <li>each clause's maximum score inside the window comes from its impacts (Lucene's {@link MaxScoreCache});
 *   <li>clauses sorted by that maximum; the longest prefix whose maxima sum to no more than the current k-th best
 *       score is "non-essential": a document that matches only those cannot enter the top k;
 *   <li>the essential clauses are scored term at a time into a window-sized accumulator; the documents they match
 *       are the window's candidates;
 *   <li>the non-essential clauses are added best first, each either by reading its postings in the window in order
 *       (when candidates are dense: at a thousand distinct terms nearly every document is one) or by advancing it
 *       to each candidate (when they are few); a candidate is dropped as soon as its score plus the maxima still to
 *       add cannot beat the k-th best;
 *   <li>the candidates left are offered to the top k.
 * </ol>
 * A posting scores {@code simScorer.score(freq, norm)} with the very {@code SimScorer} Lucene's {@code TermWeight}
 * builds (same similarity, boost and statistics) and the norm from {@link SegmentNorms}; scores are summed in
 * double and rounded to float once, as Lucene's disjunctions do. Ties are broken by doc id, as Lucene's top-k
 * collector does (the result equals {@code IndexSearcher.search(query, k)}), or, given the segment's {@code id}
 * sorted doc values, by id (the result equals a search sorted by score, then id).
 */
public final class WindowedMaxScore {
    /** Documents per window: large enough that per-window work (sorting clauses) is small next to scoring. */
    static final int WINDOW = 4096;
    /**
     * A non-essential clause is advanced to each candidate when there are fewer candidates than its postings in
     * the window divided by this (an advance costs about as much as reading this many postings in order).
     */
    static final int ADVANCE_COST = 8;
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
     * boosted) in the segment {@code leaf}, scored by {@code searcher}'s similarity, which must be BM25 (one byte
     * of norm per document).
     *
     * @param ids the segment's sorted doc values whose ord order breaks ties (a fresh iterator: it is advanced), or
     *            {@code null} to break ties by doc id
     */
    public static Hits search(IndexSearcher searcher, LeafReaderContext leaf, List<Query> clauses, int k,
                              SortedDocValues ids) throws IOException {
        return search(searcher, leaf, clauses, k, ids, Float.NEGATIVE_INFINITY, ADVANCE_COST);
    }

    /**
     * As above, for one segment of several: {@code floor} is the k-th best score found in the segments searched
     * before, so documents scoring below it are not looked at (those scoring exactly {@code floor} are, as their
     * ids may win the tie). The hits may then be fewer than k.
     */
    public static Hits search(IndexSearcher searcher, LeafReaderContext leaf, List<Query> clauses, int k,
                              SortedDocValues ids, float floor) throws IOException {
        return search(searcher, leaf, clauses, k, ids, floor, ADVANCE_COST);
    }

    /** As above, with the advance-or-scan policy given (tests force each way with 0 and {@code Integer.MAX_VALUE}). */
    static Hits search(IndexSearcher searcher, LeafReaderContext leaf, List<Query> clauses, int k,
                       SortedDocValues ids, float floor, int advanceCost) throws IOException {
        if (!(searcher.getSimilarity() instanceof BM25Similarity)) {
            throw new IllegalArgumentException("WindowedMaxScore scores with BM25 only, not " + searcher.getSimilarity());
        }
        List<Clause> terms = new ArrayList<>(clauses.size());
        byte[] norms = null;
        for (Query clause : clauses) {
            Clause term = Clause.of(searcher, leaf, clause);
            if (term != null) {
                if (norms == null) {
                    norms = SegmentNorms.of(leaf.reader(), term.field);
                } else if (!term.field.equals(terms.get(0).field)) {
                    throw new IllegalArgumentException("clauses on two fields: " + terms.get(0).field + " and "
                            + term.field + "; one field's norms are read");
                }
                terms.add(term);
            }
        }
        return new Windows(terms, norms, new TopK(k, ids, leaf.docBase, floor), leaf.reader().maxDoc(),
                leaf.reader().getLiveDocs(), advanceCost).run();
    }

    /**
     * One term clause in one segment: its postings (read in order), its impacts (maximum scores per range of
     * documents, through Lucene's {@link MaxScoreCache}) and the similarity's scorer, built exactly as Lucene's
     * {@code TermWeight} builds them, so that a posting scores {@code sim.score(freq, norm)} as in Lucene.
     */
    private static final class Clause {
        final String field;
        final PostingsEnum postings;
        final MaxScoreCache maxScores;
        final Similarity.SimScorer sim;

        private Clause(String field, PostingsEnum postings, ImpactsEnum impacts, Similarity.SimScorer sim) {
            this.field = field;
            this.postings = postings;
            this.maxScores = new MaxScoreCache(impacts, sim);
            this.sim = sim;
        }

        /** The clause in {@code leaf}, or {@code null} when its term is not there. */
        static Clause of(IndexSearcher searcher, LeafReaderContext leaf, Query query) throws IOException {
            float boost = 1f;
            if (query instanceof BoostQuery boosted) {
                boost = boosted.getBoost();
                query = boosted.getQuery();
            }
            if (!(query instanceof TermQuery termQuery)) {
                throw new IllegalArgumentException("not a term clause: " + query);
            }
            Term term = termQuery.getTerm();
            TermStates states = TermStates.build(searcher, term, true);
            TermState state = states.get(leaf);
            if (state == null) {
                return null;
            }
            Terms terms = leaf.reader().terms(term.field());
            TermsEnum termsEnum = terms.iterator();
            termsEnum.seekExact(term.bytes(), state);
            Similarity.SimScorer sim = searcher.getSimilarity().scorer(boost,
                    searcher.collectionStatistics(term.field()),
                    searcher.termStatistics(term, states.docFreq(), states.totalTermFreq()));
            return new Clause(term.field(), termsEnum.postings(null, PostingsEnum.FREQS),
                    termsEnum.impacts(PostingsEnum.FREQS), sim);
        }
    }

    /** One query's pass over the segment, window by window; the arrays are reused from window to window. */
    private static final class Windows {
        private final Clause[] clauses;
        private final PostingsEnum[] postings;
        private final byte[] norms;
        private final TopK top;
        private final int maxDoc;
        private final Bits live;
        private final int advanceCost;
        /** Partial scores of the window's candidates (zero elsewhere). */
        private final double[] accumulated = new double[WINDOW];
        /** The window's candidates: documents matched by an essential clause and not yet ruled out. */
        private final long[] candidates = new long[WINDOW / Long.SIZE];
        /** Clauses with a document in the window: maximum score in the window (float bits) above, index below. */
        private final long[] order;
        /** {@code prefix[j]}: sum of the window maxima of {@code order[0..j)}. */
        private final double[] prefix;
        private int candidateCount;
        private float kth = Float.NEGATIVE_INFINITY;

        Windows(List<Clause> clauses, byte[] norms, TopK top, int maxDoc, Bits live, int advanceCost) {
            int n = clauses.size();
            this.clauses = clauses.toArray(new Clause[0]);
            this.postings = new PostingsEnum[n];
            for (int i = 0; i < n; i++) {
                postings[i] = this.clauses[i].postings;
            }
            this.norms = norms;
            this.top = top;
            this.maxDoc = maxDoc;
            this.live = live;
            this.advanceCost = advanceCost;
            this.order = new long[n];
            this.prefix = new double[n + 1];
        }

        Hits run() throws IOException {
            int windowMin = 0;
            while (windowMin < maxDoc) {
                int windowMax = (int) Math.min(maxDoc, (long) windowMin + WINDOW);
                int nextDoc = scoreWindow(windowMin, windowMax);
                if (nextDoc == DocIdSetIterator.NO_MORE_DOCS) {
                    break;
                }
                // Skip windows that no clause has a document in.
                windowMin = Math.max(windowMax, nextDoc - nextDoc % WINDOW);
            }
            return top.hits();
        }

        /**
         * Scores the window [windowMin, windowMax) and offers its competitive documents; returns the first document
         * at or after windowMax of a clause that has none in the window (a bound on where the next one starts).
         */
        private int scoreWindow(int windowMin, int windowMax) throws IOException {
            int inWindow = 0;
            int nextDoc = DocIdSetIterator.NO_MORE_DOCS;
            for (int i = 0; i < postings.length; i++) {
                int doc = postings[i].docID();
                if (doc >= windowMax) {
                    nextDoc = Math.min(nextDoc, doc);
                    continue;
                }
                clauses[i].maxScores.advanceShallow(Math.max(doc, windowMin));
                float max = clauses[i].maxScores.getMaxScore(windowMax - 1);
                // Float bits of non-negative floats sort as the floats.
                order[inWindow++] = ((long) Float.floatToIntBits(max) << 32) | i;
            }
            if (inWindow == 0) {
                return nextDoc;
            }
            nextDoc = windowMax;
            Arrays.sort(order, 0, inWindow);
            for (int j = 0; j < inWindow; j++) {
                prefix[j + 1] = prefix[j] + Float.intBitsToFloat((int) (order[j] >>> 32));
            }
            kth = top.threshold();
            int firstEssential = 0;
            while (firstEssential < inWindow && top.cannotReach(prefix[firstEssential + 1], kth)) {
                firstEssential++;
            }
            if (firstEssential == inWindow) {
                return nextDoc;
            }
            for (int j = firstEssential; j < inWindow; j++) {
                scoreEssential((int) order[j], windowMin, windowMax);
            }
            candidateCount = 0;
            for (long word : candidates) {
                candidateCount += Long.bitCount(word);
            }
            // Non-essential clauses best first, so that candidates are ruled out as early as possible.
            for (int j = firstEssential - 1; j >= 0 && candidateCount > 0; j--) {
                int i = (int) order[j];
                long postingsInWindow = postings[i].cost() * (windowMax - windowMin) / maxDoc;
                if ((long) candidateCount * advanceCost <= postingsInWindow) {
                    completeByAdvancing(i, prefix[j + 1], windowMin);
                } else {
                    completeByScanning(i, prefix[j + 1], windowMin, windowMax);
                }
            }
            collect(windowMin);
            return nextDoc;
        }

        /** Adds an essential clause's scores in the window to its documents, which all become candidates. */
        private void scoreEssential(int i, int windowMin, int windowMax) throws IOException {
            PostingsEnum it = postings[i];
            Similarity.SimScorer sim = clauses[i].sim;
            int doc = it.docID() < windowMin ? it.advance(windowMin) : it.docID();
            for (; doc < windowMax; doc = it.nextDoc()) {
                if (live == null || live.get(doc)) {
                    int at = doc - windowMin;
                    accumulated[at] += sim.score(it.freq(), norms[doc]);
                    candidates[at >>> 6] |= 1L << at;
                }
            }
        }

        /**
         * Adds a non-essential clause's scores to the candidates it matches, reading its postings in the window in
         * order: cheaper than advancing to each candidate when candidates are dense. A candidate whose score plus
         * {@code remaining} (the maxima of this clause and all not added yet) cannot reach the k-th best is ruled out.
         */
        private void completeByScanning(int i, double remaining, int windowMin, int windowMax) throws IOException {
            PostingsEnum it = postings[i];
            Similarity.SimScorer sim = clauses[i].sim;
            int doc = it.docID() < windowMin ? it.advance(windowMin) : it.docID();
            for (; doc < windowMax; doc = it.nextDoc()) {
                int at = doc - windowMin;
                if ((candidates[at >>> 6] & (1L << at)) != 0 && stillCompetitive(at, remaining)) {
                    accumulated[at] += sim.score(it.freq(), norms[doc]);
                }
            }
        }

        /** As {@link #completeByScanning}, advancing the clause to each candidate: cheaper for few candidates. */
        private void completeByAdvancing(int i, double remaining, int windowMin) throws IOException {
            PostingsEnum it = postings[i];
            Similarity.SimScorer sim = clauses[i].sim;
            for (int word = 0; word < candidates.length; word++) {
                for (long bits = candidates[word]; bits != 0; bits &= bits - 1) {
                    int at = (word << 6) + Long.numberOfTrailingZeros(bits);
                    if (!stillCompetitive(at, remaining)) {
                        continue;
                    }
                    int doc = windowMin + at;
                    int found = it.docID() < doc ? it.advance(doc) : it.docID();
                    if (found == doc) {
                        accumulated[at] += sim.score(it.freq(), norms[doc]);
                    }
                }
            }
        }

        /** False (and the candidate dropped) when its score plus {@code remaining} cannot reach the k-th best. */
        private boolean stillCompetitive(int at, double remaining) {
            if (!top.cannotReach(accumulated[at] + remaining, kth)) {
                return true;
            }
            accumulated[at] = 0;
            candidates[at >>> 6] &= ~(1L << at);
            candidateCount--;
            return false;
        }

        /** Offers the remaining candidates, now fully scored, and clears the window. */
        private void collect(int windowMin) throws IOException {
            for (int word = 0; word < candidates.length; word++) {
                for (long bits = candidates[word]; bits != 0; bits &= bits - 1) {
                    int at = (word << 6) + Long.numberOfTrailingZeros(bits);
                    float score = (float) accumulated[at];
                    accumulated[at] = 0;
                    if (score >= kth && top.offer(score, windowMin + at)) {
                        kth = top.threshold();
                    }
                }
                candidates[word] = 0;
            }
        }
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
        /** Scores below this cannot enter (the k-th best of other segments). */
        private final float floor;
        private int size;

        TopK(int k, SortedDocValues ids, int docBase, float floor) {
            this.floor = floor;
            scores = new float[k];
            docs = new int[k];
            keys = new long[k];
            this.ids = ids;
            this.docBase = docBase;
        }

        /** The k-th best score, or the floor while fewer than k documents are held or when the floor is higher. */
        float threshold() {
            return size < scores.length ? floor : Math.max(floor, scores[0]);
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
