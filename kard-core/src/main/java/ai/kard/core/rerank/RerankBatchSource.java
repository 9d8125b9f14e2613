package ai.kard.core.rerank;

import ai.kard.core.internal.train.BatchSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Training batches of the reranker: each epoch the pairs are shuffled and grouped into batches, and every pair
 * samples a few candidates from its rationale side and a few (others) from its question side. Shuffle and samples
 * are seeded from (seed, epoch) and (seed, pair, epoch), so {@code batch(index, epoch)} is deterministic and a
 * resumed run sees the same batches. Pairs with fewer than two candidates cannot form a distribution and are left
 * out ({@link #pairCount()}).
 *
 * <p>Two options sharpen the signal (both off in the plain constructor): {@code keepBest} puts the rationale's
 * BM25 top-1 into every sample (uniform draws from 32 candidates miss it 7 times out of 8, and without it the
 * target says little about which passage the rationale needs), and a {@link TargetScorer} gives every example
 * soft targets over ALL passages of its step, so that the other examples' candidates serve as extra candidates.
 */
final class RerankBatchSource implements BatchSource<RerankBatch> {
    private final List<int[]> queries;
    private final List<PairCandidates> candidates;
    private final Map<String, int[]> passageTokens;
    private final int fromRationale;
    private final int fromQuestion;
    private final int pairsPerBatch;
    private final long seed;
    private final int[] pairIndex;
    private final boolean keepBest;
    private final TargetScorer batchTargets;

    /** BM25(rationale of a pair, passage) for passages by id, as {@code KnowledgeBase.score} gives it. */
    @FunctionalInterface
    public interface TargetScorer {
        /**
         * @param pair       index of the pair in the list given to the constructor
         * @param passageIds the passages to score
         */
        float[] scores(int pair, List<String> passageIds) throws IOException;
    }

    /**
     * @param queries        each pair's query token ids
     * @param candidates     each pair's mined candidates
     * @param passageTokens  token ids of every candidate passage, by id
     * @param fromRationale  candidates sampled from the rationale side per pair and step (>= 1)
     * @param fromQuestion   candidates sampled from the question side per pair and step (>= 0)
     * @param pairsPerBatch  pairs per training step (>= 1)
     */
    public RerankBatchSource(List<int[]> queries, List<PairCandidates> candidates, Map<String, int[]> passageTokens,
            int fromRationale, int fromQuestion, int pairsPerBatch, long seed) {
        this(queries, candidates, passageTokens, fromRationale, fromQuestion, pairsPerBatch, seed, false, null);
    }

    /**
     * @param keepBest     always sample the rationale's best passage (its BM25 top-1)
     * @param batchTargets null: each example's targets cover its own candidates; else in-batch targets
     *                     ({@link RerankBatch#batchTargets}) scored by it
     */
    public RerankBatchSource(List<int[]> queries, List<PairCandidates> candidates, Map<String, int[]> passageTokens,
            int fromRationale, int fromQuestion, int pairsPerBatch, long seed, boolean keepBest,
            TargetScorer batchTargets) {
        if (queries.size() != candidates.size()) {
            throw new IllegalArgumentException(queries.size() + " queries for " + candidates.size() + " candidate sets");
        }
        if (fromRationale < 1 || fromQuestion < 0 || fromRationale + fromQuestion < 2) {
            throw new IllegalArgumentException("samples per step must be >= 1 from the rationale, >= 0 from the question"
                    + " and >= 2 in all, got " + fromRationale + " + " + fromQuestion);
        }
        if (pairsPerBatch < 1) {
            throw new IllegalArgumentException("pairs per batch must be >= 1, got " + pairsPerBatch);
        }
        List<int[]> keptQueries = new ArrayList<>();
        List<PairCandidates> kept = new ArrayList<>();
        List<Integer> keptIndex = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            if (candidates.get(i).ids().size() >= 2) {
                keptQueries.add(queries.get(i));
                kept.add(candidates.get(i));
                keptIndex.add(i);
            }
        }
        if (kept.isEmpty()) {
            throw new IllegalArgumentException("no pair has two or more candidates: nothing to train on");
        }
        for (PairCandidates c : kept) {
            for (String id : c.ids()) {
                if (!passageTokens.containsKey(id)) {
                    throw new IllegalArgumentException("no tokens for candidate passage " + id);
                }
            }
        }
        this.queries = List.copyOf(keptQueries);
        this.candidates = List.copyOf(kept);
        this.passageTokens = Map.copyOf(passageTokens);
        this.fromRationale = fromRationale;
        this.fromQuestion = fromQuestion;
        this.pairsPerBatch = pairsPerBatch;
        this.seed = seed;
        this.pairIndex = keptIndex.stream().mapToInt(Integer::intValue).toArray();
        this.keepBest = keepBest;
        this.batchTargets = batchTargets;
    }

    /** Pairs used (those with at least two candidates). */
    public int pairCount() {
        return candidates.size();
    }

    @Override
    public int size() {
        return (candidates.size() + pairsPerBatch - 1) / pairsPerBatch;
    }

    @Override
    public RerankBatch batch(int index) {
        return batch(index, 0);
    }

    @Override
    public RerankBatch batch(int index, int epoch) {
        Objects.checkIndex(index, size());
        int[] order = shuffled(candidates.size(), new SplittableRandom(mix(seed, epoch, -1)));
        List<RerankExample> examples = new ArrayList<>(pairsPerBatch);
        List<Integer> pairs = new ArrayList<>(pairsPerBatch);
        List<String> ids = new ArrayList<>();
        for (int j = index * pairsPerBatch; j < Math.min(order.length, (index + 1) * pairsPerBatch); j++) {
            examples.add(example(order[j], epoch, ids));
            pairs.add(order[j]);
        }
        if (batchTargets == null) {
            return new RerankBatch(examples);
        }
        float[][] targets = new float[examples.size()][];
        for (int b = 0; b < targets.length; b++) {
            try {
                targets[b] = batchTargets.scores(pairIndex[pairs.get(b)], ids);
            } catch (IOException e) {
                throw new UncheckedIOException(e); // BatchSource.batch cannot throw IOException
            }
        }
        return new RerankBatch(examples, targets);
    }

    /** The example of pair {@code pair} in {@code epoch}: its query and sampled candidates. */
    public RerankExample example(int pair, int epoch) {
        return example(pair, epoch, new ArrayList<>());
    }

    /** {@link #example(int, int)}, appending the sampled candidates' ids to {@code ids}. */
    private RerankExample example(int pair, int epoch, List<String> ids) {
        PairCandidates c = candidates.get(pair);
        SplittableRandom random = new SplittableRandom(mix(seed, epoch, pair));
        boolean[] taken = new boolean[c.ids().size()];
        List<Integer> chosen = new ArrayList<>(fromRationale + fromQuestion);
        int fromRationaleLeft = fromRationale;
        if (keepBest && c.best() >= 0) {
            taken[c.best()] = true;
            chosen.add(c.best());
            fromRationaleLeft--;
        }
        pick(c.rationaleSide(), fromRationaleLeft, taken, chosen, random);
        pick(c.questionSide(), fromQuestion, taken, chosen, random);
        if (chosen.size() < 2) {
            // A side too short to fill its quota: top up from the whole union.
            int[] all = new int[c.ids().size()];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            pick(all, 2 - chosen.size(), taken, chosen, random);
        }
        List<int[]> passages = new ArrayList<>(chosen.size());
        float[] targets = new float[chosen.size()];
        for (int i = 0; i < chosen.size(); i++) {
            passages.add(passageTokens.get(c.ids().get(chosen.get(i))));
            ids.add(c.ids().get(chosen.get(i)));
            targets[i] = c.rationaleScores()[chosen.get(i)];
        }
        return new RerankExample(queries.get(pair), passages, targets);
    }

    /** Up to {@code count} of {@code side}'s not yet taken indices, drawn without replacement. */
    private static void pick(int[] side, int count, boolean[] taken, List<Integer> chosen, SplittableRandom random) {
        List<Integer> open = new ArrayList<>(side.length);
        for (int i : side) {
            if (!taken[i]) {
                open.add(i);
            }
        }
        for (int n = 0; n < count && !open.isEmpty(); n++) {
            int i = open.remove(random.nextInt(open.size()));
            taken[i] = true;
            chosen.add(i);
        }
    }

    private static int[] shuffled(int size, SplittableRandom random) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private static long mix(long seed, long a, long b) {
        long z = seed * 0x9E3779B97F4A7C15L + a * 0xBF58476D1CE4E5B9L + b * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
