package ai.kard.core.internal.model.t5;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The decoder state of one generation call, one position per step: per layer, the self-attention keys/values of the
 * positions so far (grown by one each step) and the cross-attention keys/values, computed once from the encoder
 * output. Used by {@link T5Generator} and by {@link T5CopyModel}'s generation, so that each step runs the decoder on
 * the newest token only instead of the whole prefix. Its arrays belong to the call's manager.
 */
final class T5DecoderCache {
    private final T5Model model;
    private final T5Config config;
    private final NDManager call;
    private final NDArray[] selfKeysT;   // [rows, H, dk, steps so far]
    private final NDArray[] selfValues;  // [rows, H, steps so far, dk]
    private final NDArray[] crossKeysT;  // [rows, H, dk, S]
    private final NDArray[] crossValues; // [rows, H, S, dk]

    T5DecoderCache(T5Model model, NDManager call, NDArray encoderStates) {
        this.model = model;
        this.config = model.t5Config();
        T5Model.Layer[] layers = model.decoderLayers();
        selfKeysT = new NDArray[layers.length];
        selfValues = new NDArray[layers.length];
        crossKeysT = new NDArray[layers.length];
        crossValues = new NDArray[layers.length];
        this.call = call;
        for (int i = 0; i < layers.length; i++) {
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
    }

    /**
     * The cache grown by one position, owned by the call. Appending copies the cache (O(steps) per step), which
     * on the CPU costs less than in-place index writes into a preallocated buffer: DJL's indexed set goes
     * through advanced indexing and a host copy of the value.
     */
    private NDArray append(NDArray cache, NDArray position, int axis) {
        if (cache == null) {
            position.attach(call);
            return position;
        }
        NDArray grown = cache.concat(position, axis);
        cache.close();
        return grown;
    }

    /** Logits {@code [rows, vocab]} for one new token per row at decoder position {@code position}. */
    NDArray step(NDArray tokens, int position, NDArray crossBias) {
        return model.head(states(tokens, position, crossBias).reshape(tokens.getShape().get(0), config.dModel()));
    }

    /**
     * Final decoder states {@code [rows, 1, d_model]} (after the final layer norm) for one new token per row
     * ({@code tokens [rows, 1]}) at decoder position {@code position}; {@code crossBias} masks encoder padding
     * (null when there is none).
     */
    NDArray states(NDArray tokens, int position, NDArray crossBias) {
        NDManager scope = tokens.getManager();
        long rows = tokens.getShape().get(0);
        NDArray x = model.embed(tokens);
        NDArray selfBias = model.positionBias(scope, model.decoderBias(), position, 1, position + 1, false);
        T5Model.Layer[] layers = model.decoderLayers();
        for (int i = 0; i < layers.length; i++) {
            T5Model.Layer layer = layers[i];
            T5Model.Attention a = layer.self();
            NDArray h = model.rmsNorm(x, layer.selfNorm());
            // One position: [rows, 1, H*dk] is already [rows, H, 1, dk] in memory, no transpose needed.
            NDArray q = T5Model.linear(h, a.q()).reshape(rows, config.numHeads(), 1, config.dKv());
            NDArray k = T5Model.linear(h, a.k()).reshape(rows, config.numHeads(), config.dKv(), 1);
            NDArray v = T5Model.linear(h, a.v()).reshape(rows, config.numHeads(), 1, config.dKv());
            selfKeysT[i] = append(selfKeysT[i], k, 3);
            selfValues[i] = append(selfValues[i], v, 2);
            NDArray attended = model.attend(q, selfKeysT[i], selfValues[i], selfBias);
            x = x.add(T5Model.linear(attended.reshape(rows, 1, config.innerDim()), a.o()));
            NDArray hc = model.rmsNorm(x, layer.crossNorm());
            T5Model.Attention c = layer.cross();
            NDArray qc = T5Model.linear(hc, c.q()).reshape(rows, config.numHeads(), 1, config.dKv());
            NDArray crossed = model.attend(qc, crossKeysT[i], crossValues[i], crossBias);
            x = x.add(T5Model.linear(crossed.reshape(rows, 1, config.innerDim()), c.o()));
            x = x.add(model.feedForward(model.rmsNorm(x, layer.ffNorm()), layer.ff()));
        }
        return model.rmsNorm(x, model.decoderFinal());
    }
}
