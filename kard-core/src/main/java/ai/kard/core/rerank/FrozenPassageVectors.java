package ai.kard.core.rerank;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.kard.core.internal.model.common.EngineArrays;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The passage side of reranker training when it is frozen: token vectors of a scorer whose weights never change,
 * computed once per distinct passage (keyed by its token ids) and served from memory at every later step, so a
 * training step encodes only its questions. The vectors carry no gradient.
 *
 * <p>Not thread-safe (the trainer is single-threaded). The scorer stays owned by the caller.
 */
final class FrozenPassageVectors {
    private static final int ENCODE_BATCH = 32;

    private final LateInteractionScorer scorer;
    private final Map<TokenIds, float[]> vectors = new HashMap<>();
    private long encoded;

    /** Token ids as a map key: equal when their contents are equal. */
    private record TokenIds(int[] ids) {
        @Override
        public boolean equals(Object other) {
            return other instanceof TokenIds t && Arrays.equals(ids, t.ids);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(ids);
        }
    }

    /** @param scorer the frozen passage side; its weights must not change while this cache is used */
    public FrozenPassageVectors(LateInteractionScorer scorer) {
        this.scorer = Objects.requireNonNull(scorer, "scorer");
    }

    /** Encodes every passage not cached yet (length-sorted batches, no gradient); returns how many were new. */
    public int precompute(Collection<int[]> passages) {
        List<int[]> missing = new ArrayList<>();
        java.util.Set<TokenIds> seen = new java.util.HashSet<>();
        for (int[] p : passages) {
            TokenIds key = new TokenIds(p);
            if (!vectors.containsKey(key) && seen.add(key)) {
                missing.add(p);
            }
        }
        if (missing.isEmpty()) {
            return 0;
        }
        missing.sort(Comparator.comparingInt(p -> p.length));
        int dim = scorer.settings().dim();
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            for (int start = 0; start < missing.size(); start += ENCODE_BATCH) {
                List<int[]> batch = missing.subList(start, Math.min(missing.size(), start + ENCODE_BATCH));
                try (NDManager scope = scorer.manager().newSubManager()) {
                    NDArray v = scorer.vectors(scope, batch).get(0);
                    float[] all = v.toType(DataType.FLOAT32, false).toFloatArray();
                    int width = (int) v.getShape().get(1);
                    for (int b = 0; b < batch.size(); b++) {
                        int length = batch.get(b).length;
                        vectors.put(new TokenIds(batch.get(b)),
                                Arrays.copyOfRange(all, b * width * dim, (b * width + length) * dim));
                    }
                }
            }
        } finally {
            JniUtils.setGradMode(grad);
        }
        encoded += missing.size();
        return missing.size();
    }

    /**
     * Vectors {@code [N, L, dim]} (right-padded with zeros) and mask {@code [N, L]} (int64) of {@code passages},
     * in {@code manager}, as {@link LateInteractionScorer#vectors} gives them but without a gradient; passages not
     * met before are encoded first.
     */
    public NDList vectors(NDManager manager, List<int[]> passages) {
        precompute(passages);
        int dim = scorer.settings().dim();
        int length = passages.stream().mapToInt(p -> p.length).max().orElseThrow(
                () -> new IllegalArgumentException("no passages"));
        float[] flat = new float[passages.size() * length * dim];
        long[] mask = new long[passages.size() * length];
        for (int d = 0; d < passages.size(); d++) {
            float[] v = vectors.get(new TokenIds(passages.get(d)));
            System.arraycopy(v, 0, flat, d * length * dim, v.length);
            Arrays.fill(mask, d * length, d * length + passages.get(d).length, 1L);
        }
        NDArray values = EngineArrays.of(manager, flat, new Shape(passages.size(), length, dim));
        DataType type = scorer.projection().getDataType();
        NDArray typed = type == DataType.FLOAT32 ? values : EngineArrays.copyAs(values, type);
        return new NDList(typed, EngineArrays.of(manager, mask, new Shape(passages.size(), length)));
    }

    /** Distinct passages held. */
    public int size() {
        return vectors.size();
    }

    /** Passages encoded so far (each distinct passage once). */
    public long encodedPassages() {
        return encoded;
    }

    /** The frozen scorer the vectors come from. */
    public LateInteractionScorer scorer() {
        return scorer;
    }

    @Override
    public String toString() {
        return "FrozenPassageVectors(" + vectors.size() + " passages)";
    }
}
