package ai.kard.core.rerank;

import ai.kard.core.internal.train.TokenCounted;
import java.util.List;

/**
 * The examples of one training step; the loss is averaged over them.
 *
 * @param examples     the pairs of the step
 * @param batchTargets null: each example's distribution is over its own sampled candidates; else
 *                     {@code batchTargets[b][j]} is BM25(rationale of example b, passage j) for EVERY passage j of the
 *                     step (the examples' candidates concatenated in order), and each example's distribution is over
 *                     all of them: the other examples' candidates join as extra candidates at no encoder cost
 */
record RerankBatch(List<RerankExample> examples, float[][] batchTargets) implements TokenCounted {
    public RerankBatch {
        examples = List.copyOf(examples);
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("a rerank batch needs at least one example");
        }
        if (batchTargets != null) {
            int passages = passageCount(examples);
            if (batchTargets.length != examples.size()) {
                throw new IllegalArgumentException(batchTargets.length + " target rows for " + examples.size()
                        + " examples");
            }
            for (float[] row : batchTargets) {
                if (row.length != passages) {
                    throw new IllegalArgumentException(row.length + " batch targets for " + passages + " passages");
                }
            }
        }
    }

    /** Each example over its own candidates only. */
    public RerankBatch(List<RerankExample> examples) {
        this(examples, null);
    }

    /** Passages of the step, all examples together. */
    public int passageCount() {
        return passageCount(examples);
    }

    private static int passageCount(List<RerankExample> examples) {
        int n = 0;
        for (RerankExample e : examples) {
            n += e.passages().size();
        }
        return n;
    }

    @Override
    public long tokenCount() {
        long n = 0;
        for (RerankExample e : examples) {
            n += e.query().length;
            for (int[] p : e.passages()) {
                n += p.length;
            }
        }
        return n;
    }
}
