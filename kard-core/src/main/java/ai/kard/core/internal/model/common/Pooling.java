package ai.kard.core.internal.model.common;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** Sentence vectors from token states: the masked mean of sentence-transformers, and L2 normalisation. */
public final class Pooling {
    /** Added under the square root of the L2 normalisation: keeps its gradient finite at zero vectors. */
    private static final double NORM_EPS = 1e-8;

    private Pooling() {
    }

    /**
     * The mean of {@code states [B, L, H]} over the positions where {@code mask [B, L]} is 1 (padding excluded):
     * {@code [B, H]} in {@code states}' manager. Gradients flow through {@code states}.
     */
    public static NDArray maskedMean(NDArray states, NDArray mask) {
        NDManager owner = states.getManager();
        try (NDManager scope = owner.newSubManager()) {
            scope.tempAttachAll(states, mask);
            // Engine-owned weights: mul keeps its operands for the backward pass (see EngineArrays).
            NDArray weights = EngineArrays.copyAs(mask, states.getDataType());
            weights.attach(scope);
            NDArray counts = weights.sum(new int[] {1}, true);
            NDArray mean = states.mul(weights.expandDims(2)).sum(new int[] {1})
                    .div(counts.maximum(EngineArrays.constant(counts, 1)));
            mean.attach(owner);
            return mean;
        }
    }

    /**
     * {@code x / sqrt(sum(x²) + eps)} over the last axis: unlike {@code x / max(norm(x), eps)} its gradient is
     * finite at a zero vector (norm()'s is NaN there), and eps is an engine-owned scalar (see EngineArrays).
     */
    public static NDArray l2Normalize(NDArray x) {
        NDArray squares = x.square().sum(new int[] {-1}, true);
        return x.div(squares.add(EngineArrays.constant(squares, NORM_EPS)).sqrt());
    }
}
