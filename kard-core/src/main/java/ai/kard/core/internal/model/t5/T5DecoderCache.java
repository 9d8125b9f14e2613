package ai.kard.core.internal.model.t5;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.kard.core.internal.model.common.EngineArrays;

/**
 * The decoder state of one generation call, one position per step: per layer, the self-attention keys/values of the
 * positions so far and the cross-attention keys/values, computed once from the encoder output. Used by
 * {@link T5Generator} and by {@link T5CopyModel}'s generation, so that each step runs the decoder on the newest token
 * only instead of the whole prefix.
 *
 * <p>Everything a step would otherwise rebuild is made once per call: the self-attention keys/values live in
 * buffers sized for {@code maxSteps} positions that each step writes one position of in place (a growing concat
 * would copy the whole cache every step), the decoder's relative position bias is one row covering every distance
 * (each step reads a view of it), and the RMS norms' scalars are shared. All of it belongs to the call's manager,
 * so calls on several threads share nothing but the (read-only) weights.
 */
final class T5DecoderCache {
    private final T5Model model;
    private final T5Config config;
    private final int maxSteps;
    private final long rows;
    private final NDArray[] selfKeys;    // [rows, H, maxSteps, dk], positions 0..step written
    private final NDArray[] selfValues;  // [rows, H, maxSteps, dk]
    private final NDArray[] crossKeysT;  // [rows, H, dk, S]
    private final NDArray[] crossValues; // [rows, H, S, dk]
    /** {@code [1, H, 1, maxSteps]}: column j holds the bias of a key {@code maxSteps - 1 - j} positions back. */
    private final NDArray selfBiasByDistance;
    private final T5Model.NormScalars normScalars;

    /** A cache for up to {@code maxSteps} decoder positions of the rows of {@code encoderStates [rows, S, d]}. */
    T5DecoderCache(T5Model model, NDManager call, NDArray encoderStates, int maxSteps) {
        this.model = model;
        this.config = model.t5Config();
        this.maxSteps = maxSteps;
        this.rows = encoderStates.getShape().get(0);
        T5Model.Layer[] layers = model.decoderLayers();
        selfKeys = new NDArray[layers.length];
        selfValues = new NDArray[layers.length];
        crossKeysT = new NDArray[layers.length];
        crossValues = new NDArray[layers.length];
        Shape selfShape = new Shape(rows, config.numHeads(), maxSteps, config.dKv());
        for (int i = 0; i < layers.length; i++) {
            selfKeys[i] = call.zeros(selfShape, model.dataType());
            selfValues[i] = call.zeros(selfShape, model.dataType());
            try (NDManager scope = call.newSubManager()) {
                // Borrowed by the scope so the projections' intermediates land there; returns on close.
                NDArray states = encoderStates;
                states.tempAttach(scope);
                T5Model.Attention a = layers[i].cross();
                // contiguous copies so every step reads dense memory
                NDArray keysT = model.heads(T5Model.linear(states, a.k())).transpose(0, 1, 3, 2).duplicate();
                NDArray values = model.heads(T5Model.linear(states, a.v())).duplicate();
                keysT.attach(call);
                values.attach(call);
                crossKeysT[i] = keysT;
                crossValues[i] = values;
            }
        }
        // The query at position maxSteps - 1 against keys 0..maxSteps-1 sees every distance 0..maxSteps-1 once.
        try (NDManager scope = call.newSubManager()) {
            NDArray bias = model.positionBias(scope, model.decoderBias(), maxSteps - 1, 1, maxSteps, false);
            bias.attach(call);
            selfBiasByDistance = bias;
        }
        normScalars = T5Model.NormScalars.of(call, config.layerNormEpsilon());
    }

    /** Logits {@code [rows, vocab]} for one new token per row at decoder position {@code position}. */
    NDArray step(NDArray tokens, int position, NDArray crossBias) {
        return model.head(states(tokens, position, crossBias).reshape(rows, config.dModel()));
    }

    /**
     * Final decoder states {@code [rows, 1, d_model]} (after the final layer norm) for one new token per row
     * ({@code tokens [rows, 1]}) at decoder position {@code position}; {@code crossBias} masks encoder padding
     * (null when there is none). Positions must come in order 0, 1, 2, ... up to {@code maxSteps - 1}.
     */
    NDArray states(NDArray tokens, int position, NDArray crossBias) {
        if (position >= maxSteps) {
            throw new IllegalArgumentException("decoder position " + position + " beyond the cache's " + maxSteps);
        }
        NDManager scope = tokens.getManager();
        int heads = config.numHeads();
        int dKv = config.dKv();
        NDArray x = model.embed(tokens);
        // Keys 0..position are position..0 steps back: the last position + 1 columns of the bias row.
        NDArray selfBias = EngineArrays.view(selfBiasByDistance, 3, maxSteps - 1 - position, maxSteps, scope);
        long[] from = {0, 0, position};
        long[] to = {rows, heads, position + 1};
        long[] step = {1, 1, 1};
        T5Model.Layer[] layers = model.decoderLayers();
        for (int i = 0; i < layers.length; i++) {
            T5Model.Layer layer = layers[i];
            T5Model.Attention a = layer.self();
            NDArray h = model.rmsNorm(x, layer.selfNorm(), normScalars);
            // One position: [rows, 1, H*dk] is already [rows, H, 1, dk] in memory, no transpose needed.
            NDArray q = T5Model.linear(h, a.q()).reshape(rows, heads, 1, dKv);
            NDArray k = T5Model.linear(h, a.k()).reshape(rows, heads, 1, dKv);
            NDArray v = T5Model.linear(h, a.v()).reshape(rows, heads, 1, dKv);
            JniUtils.indexSet((PtNDArray) selfKeys[i], (PtNDArray) k, from, to, step);
            JniUtils.indexSet((PtNDArray) selfValues[i], (PtNDArray) v, from, to, step);
            NDArray keysT = EngineArrays.view(selfKeys[i], 2, 0, position + 1, scope).transpose(0, 1, 3, 2);
            NDArray values = EngineArrays.view(selfValues[i], 2, 0, position + 1, scope);
            NDArray attended = model.attend(q, keysT, values, selfBias);
            x = x.add(T5Model.linear(attended.reshape(rows, 1, config.innerDim()), a.o()));
            NDArray hc = model.rmsNorm(x, layer.crossNorm(), normScalars);
            T5Model.Attention c = layer.cross();
            NDArray qc = T5Model.linear(hc, c.q()).reshape(rows, heads, 1, dKv);
            NDArray crossed = model.attend(qc, crossKeysT[i], crossValues[i], crossBias);
            x = x.add(T5Model.linear(crossed.reshape(rows, 1, config.innerDim()), c.o()));
            x = x.add(model.feedForward(model.rmsNorm(x, layer.ffNorm(), normScalars), layer.ff()));
        }
        return model.rmsNorm(x, model.decoderFinal(), normScalars);
    }
}
