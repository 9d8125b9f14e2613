package ai.kard.core.internal.model.t5;

import static ai.kard.core.internal.model.common.EngineArrays.constant;
import static ai.kard.core.internal.model.common.EngineArrays.owned;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.kard.api.Decoding;
import ai.kard.core.internal.checkpoint.HfConfig;
import ai.kard.core.internal.checkpoint.SafetensorsStore;
import ai.kard.core.internal.checkpoint.SafetensorsWriter;
import ai.kard.core.internal.model.Dropout;
import ai.kard.core.internal.model.LanguageModel;
import ai.kard.core.internal.model.common.SplitGemv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A T5 encoder-decoder (HF {@code T5ForConditionalGeneration}) computed with DJL NDArray ops on parameters held by
 * one {@link Block}. Matches HF numerically: pre-norm blocks with RMS layer norms, unscaled attention with relative
 * position buckets (bidirectional in the encoder, causal in the decoder, computed once per stack by block 0),
 * relu / gated-gelu_new / gated-silu feed-forwards, tied head with the {@code d_model^-0.5} rescale or untied head.
 *
 * <p>Dropout ({@code dropout_rate}, HF's default 0.1) where HF's {@code T5Stack} applies it, when a {@link Dropout}
 * in training is passed: on the token embeddings, on the attention probabilities, inside the feed-forward after the
 * activation (after the gate product when gated), on each sublayer's output before its residual add, and after
 * each stack's final layer norm. The array methods without a {@link Dropout} argument run without it.
 *
 * <p>Scoping: the array methods ({@link #encode}, {@link #logits}, {@link #loss(NDArray, NDArray, NDArray)}) put
 * their result and every intermediate in the manager of their first argument; callers scope them with a
 * sub-manager. {@link #loss(NDManager, List, List)} and {@link #generate} scope themselves.
 */
public final class T5Model implements LanguageModel {
    /** HF's additive mask value, {@code torch.finfo(float32).min} (finite, unlike -inf). */
    static final float MASK = -Float.MAX_VALUE;
    private static final long IGNORE = -100;

    private final T5Config config;
    private final HfConfig hfConfig;
    private final NDManager manager;
    private final T5Parameters parameters;
    private final DataType dataType;
    private final Layer[] encoderLayers;
    private final Layer[] decoderLayers;
    private final Parameter shared;
    private final Parameter lmHead;
    private final Parameter encoderBias;
    private final Parameter decoderBias;
    private final Parameter encoderFinal;
    private final Parameter decoderFinal;
    /** {@code dropout_rate}: every dropout of HF's T5 uses this one probability. */
    private final double dropoutRate;

    record Attention(Parameter q, Parameter k, Parameter v, Parameter o) {
    }

    record FeedForward(Parameter wi, Parameter wi0, Parameter wi1, Parameter wo) {
    }

    /** One block: self-attention, (decoder) cross-attention, feed-forward, each with its pre-norm. */
    record Layer(Parameter selfNorm, Attention self, Parameter crossNorm, Attention cross, Parameter ffNorm,
                 FeedForward ff) {
    }

    /** Takes ownership of {@code manager} and of the arrays (HF name → array, already in {@code dataType}). */
    T5Model(T5Config config, HfConfig hfConfig, NDManager manager, Map<String, NDArray> arrays, DataType dataType) {
        this.config = config;
        this.hfConfig = hfConfig;
        this.manager = manager;
        this.dataType = dataType;
        this.parameters = new T5Parameters(arrays);
        this.shared = parameters.get(T5Parameters.SHARED);
        this.lmHead = config.tiedEmbeddings() ? null : parameters.get(T5Parameters.LM_HEAD);
        this.encoderLayers = layers("encoder", config.numLayers(), false);
        this.decoderLayers = layers("decoder", config.numDecoderLayers(), true);
        this.encoderBias = parameters.get("encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight");
        this.decoderBias = parameters.get("decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight");
        this.encoderFinal = parameters.get("encoder.final_layer_norm.weight");
        this.decoderFinal = parameters.get("decoder.final_layer_norm.weight");
        this.dropoutRate = Dropout.configured(hfConfig, "dropout_rate", 0.1);
    }

    private Layer[] layers(String stack, int count, boolean decoder) {
        Layer[] layers = new Layer[count];
        for (int i = 0; i < count; i++) {
            String p = stack + ".block." + i + ".layer.";
            int ff = decoder ? 2 : 1;
            String dense = p + ff + ".DenseReluDense.";
            FeedForward feedForward = config.gated()
                    ? new FeedForward(null, parameters.get(dense + "wi_0.weight"), parameters.get(dense + "wi_1.weight"),
                    parameters.get(dense + "wo.weight"))
                    : new FeedForward(parameters.get(dense + "wi.weight"), null, null, parameters.get(dense + "wo.weight"));
            layers[i] = new Layer(parameters.get(p + "0.layer_norm.weight"), attention(p + "0.SelfAttention."),
                    decoder ? parameters.get(p + "1.layer_norm.weight") : null,
                    decoder ? attention(p + "1.EncDecAttention.") : null,
                    parameters.get(p + ff + ".layer_norm.weight"), feedForward);
        }
        return layers;
    }

    private Attention attention(String prefix) {
        return new Attention(parameters.get(prefix + "q.weight"), parameters.get(prefix + "k.weight"),
                parameters.get(prefix + "v.weight"), parameters.get(prefix + "o.weight"));
    }

    public T5Config t5Config() {
        return config;
    }

    @Override
    public HfConfig config() {
        return hfConfig;
    }

    @Override
    public boolean isEncoderDecoder() {
        return true;
    }

    @Override
    public Block block() {
        return parameters;
    }

    @Override
    public Device device() {
        return manager.getDevice();
    }

    @Override
    public DataType dataType() {
        return dataType;
    }

    @Override
    public int eosTokenId() {
        return config.eosTokenId();
    }

    @Override
    public int padTokenId() {
        return config.padTokenId();
    }

    /** The manager that owns the parameters (generation calls open sub-managers of it). */
    NDManager manager() {
        return manager;
    }

    // ---------------------------------------------------------------------------------------------- encoder

    /**
     * Encoder states {@code [B, S, d_model]} for int64 {@code inputIds [B, S]} and {@code attentionMask [B, S]}
     * (1 = token, 0 = padding), in {@code inputIds}' manager.
     */
    public NDArray encode(NDArray inputIds, NDArray attentionMask) {
        return encode(inputIds, attentionMask, Dropout.OFF);
    }

    /** As {@link #encode(NDArray, NDArray)} with {@code dropout} where HF's encoder stack applies it. */
    public NDArray encode(NDArray inputIds, NDArray attentionMask, Dropout dropout) {
        int length = (int) inputIds.getShape().get(1);
        NDArray x = dropout.apply(embed(inputIds), dropoutRate);
        NDArray bias = positionBias(inputIds.getManager(), encoderBias, 0, length, length, true)
                .add(additiveMask(attentionMask));
        for (Layer layer : encoderLayers) {
            NDArray h = rmsNorm(x, layer.selfNorm());
            x = x.add(dropout.apply(selfAttention(h, layer.self(), bias, dropout), dropoutRate));
            x = x.add(dropout.apply(feedForward(rmsNorm(x, layer.ffNorm()), layer.ff(), dropout), dropoutRate));
        }
        return dropout.apply(rmsNorm(x, encoderFinal), dropoutRate);
    }

    // ---------------------------------------------------------------------------------------------- decoder

    /**
     * Decoder states {@code [B, T, d_model]} (after the final layer norm) for int64 {@code decoderInputIds [B, T]}
     * attending causally to themselves (no decoder padding mask, as HF without {@code decoder_attention_mask}) and
     * to the encoder states where {@code attentionMask} is 1.
     */
    public NDArray decode(NDArray decoderInputIds, NDArray encoderStates, NDArray attentionMask) {
        return decode(decoderInputIds, encoderStates, attentionMask, Dropout.OFF);
    }

    /** As {@link #decode(NDArray, NDArray, NDArray)} with {@code dropout} where HF's decoder stack applies it. */
    public NDArray decode(NDArray decoderInputIds, NDArray encoderStates, NDArray attentionMask, Dropout dropout) {
        NDManager m = decoderInputIds.getManager();
        int length = (int) decoderInputIds.getShape().get(1);
        NDArray x = dropout.apply(embed(decoderInputIds), dropoutRate);
        NDArray selfBias = positionBias(m, decoderBias, 0, length, length, false).add(causalMask(m, length));
        NDArray crossBias = additiveMask(attentionMask);
        for (Layer layer : decoderLayers) {
            NDArray attended = selfAttention(rmsNorm(x, layer.selfNorm()), layer.self(), selfBias, dropout);
            x = x.add(dropout.apply(attended, dropoutRate));
            NDArray h = rmsNorm(x, layer.crossNorm());
            Attention a = layer.cross();
            NDArray k = heads(linear(encoderStates, a.k()));
            NDArray v = heads(linear(encoderStates, a.v()));
            NDArray crossed = linear(merge(attend(heads(linear(h, a.q())), k.transpose(0, 1, 3, 2), v, crossBias,
                    dropout)), a.o());
            x = x.add(dropout.apply(crossed, dropoutRate));
            x = x.add(dropout.apply(feedForward(rmsNorm(x, layer.ffNorm()), layer.ff(), dropout), dropoutRate));
        }
        return dropout.apply(rmsNorm(x, decoderFinal), dropoutRate);
    }

    /** LM logits {@code [..., vocab]} (always float32) from decoder states. */
    public NDArray head(NDArray decoderStates) {
        NDArray logits = config.tiedEmbeddings()
                ? linear(decoderStates.mul(constant(decoderStates, Math.pow(config.dModel(), -0.5))), shared)
                : linear(decoderStates, lmHead);
        return dataType == DataType.FLOAT32 ? logits : logits.toType(DataType.FLOAT32, false);
    }

    /** Logits {@code [B, T, vocab]} of the decoder run on {@code decoderInputIds}, in {@code inputIds}' manager. */
    public NDArray logits(NDArray inputIds, NDArray attentionMask, NDArray decoderInputIds) {
        return logits(inputIds, attentionMask, decoderInputIds, Dropout.OFF);
    }

    private NDArray logits(NDArray inputIds, NDArray attentionMask, NDArray decoderInputIds, Dropout dropout) {
        return head(decode(decoderInputIds, encode(inputIds, attentionMask, dropout), attentionMask, dropout));
    }

    /**
     * Mean cross-entropy over every label that is not -100, pooled over the batch; {@code labels [B, T]} int64,
     * shifted right (decoder start = pad) to form the decoder input.
     */
    public NDArray loss(NDArray inputIds, NDArray attentionMask, NDArray labels) {
        return loss(inputIds, attentionMask, labels, Dropout.OFF);
    }

    /** As {@link #loss(NDArray, NDArray, NDArray)} with {@code dropout} (the training loss). */
    public NDArray loss(NDArray inputIds, NDArray attentionMask, NDArray labels, Dropout dropout) {
        NDManager m = inputIds.getManager();
        long[] flat = labels.toLongArray();
        Shape shape = labels.getShape();
        int rows = (int) shape.get(0);
        int length = (int) shape.get(1);
        long[] decoderInput = shiftRight(flat, rows, length);
        long[] targets = new long[flat.length];
        float[] weights = new float[flat.length];
        int counted = 0;
        for (int i = 0; i < flat.length; i++) {
            if (flat[i] != IGNORE) {
                if (flat[i] < 0 || flat[i] >= config.vocabSize()) {
                    throw new IllegalArgumentException("label " + flat[i] + " is outside the vocabulary of "
                            + config.vocabSize());
                }
                targets[i] = flat[i];
                weights[i] = 1;
                counted++;
            }
        }
        if (counted == 0) {
            throw new IllegalArgumentException("every label is -100: nothing to score");
        }
        NDArray logits = logits(inputIds, attentionMask, m.create(decoderInput, shape), dropout);
        NDArray logProbs = logits.logSoftmax(-1)
                .gather(owned(m.create(targets, new Shape(rows, length, 1))), 2)
                .reshape(rows, length);
        NDArray sum = logProbs.mul(owned(m.create(weights, shape))).sum().neg();
        return sum.div(constant(sum, counted));
    }

    /** {@code [start] + labels[:-1]} per row, -100 replaced by the pad id (HF {@code _shift_right}). */
    long[] shiftRight(long[] labels, int rows, int length) {
        long[] shifted = new long[labels.length];
        for (int r = 0; r < rows; r++) {
            shifted[r * length] = config.decoderStartTokenId();
            for (int t = 1; t < length; t++) {
                long label = labels[r * length + t - 1];
                shifted[r * length + t] = label == IGNORE ? config.padTokenId() : label;
            }
        }
        return shifted;
    }

    @Override
    public NDArray loss(NDManager manager, List<int[]> prompts, List<int[]> targets, Dropout dropout) {
        if (prompts.size() != targets.size() || prompts.isEmpty()) {
            throw new IllegalArgumentException(prompts.size() + " prompts and " + targets.size()
                    + " targets: expected the same non-zero number");
        }
        checkIds(prompts, "prompt");
        checkIds(targets, "target");
        try (NDManager scope = manager.newSubManager(device())) {
            Batch input = Batch.pad(prompts, config.padTokenId(), 0, "prompt");
            Batch labels = Batch.pad(targets, (int) IGNORE, 0, "target");
            NDArray loss = loss(input.ids(scope), input.mask(scope), labels.ids(scope), dropout);
            // The autograd graph keeps what backward needs; the Java handles of the intermediates can go.
            loss.attach(manager);
            return loss;
        }
    }

    /** Fails naming the sequence and the id when an id is outside the vocabulary. */
    void checkIds(List<int[]> sequences, String what) {
        for (int i = 0; i < sequences.size(); i++) {
            int[] sequence = sequences.get(i);
            if (sequence == null || sequence.length == 0) {
                throw new IllegalArgumentException(what + " " + i + " is empty");
            }
            for (int id : sequence) {
                if (id < 0 || id >= config.vocabSize()) {
                    throw new IllegalArgumentException(what + " " + i + ": token id " + id
                            + " is outside the vocabulary of " + config.vocabSize());
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- pieces

    NDArray embed(NDArray ids) {
        return ids.getNDArrayInternal().embedding(ids, shared.getArray(), SparseFormat.DENSE).singletonOrThrow();
    }



    /** {@code x · wᵀ} with the input first, so the result joins the input's (scoped) manager. */
    static NDArray linear(NDArray x, Parameter weight) {
        // Decoding one token is weight-bound: large weights are split across two cores (see SplitGemv).
        return SplitGemv.linear(x, weight.getArray());
    }

    /** T5LayerNorm: RMS norm without mean or bias, variance in float32 as HF. */
    NDArray rmsNorm(NDArray x, Parameter weight) {
        return rmsNorm(x, weight, null);
    }

    /**
     * The scalars every RMS norm uses, made once (per generation call) instead of once per norm: the epsilon as the
     * float64 scalar {@code add(double)} would make, and the exponent -0.5 (float32, as the variance).
     */
    record NormScalars(NDArray epsilon, NDArray minusHalf) {
        static NormScalars of(NDManager manager, double epsilon) {
            NDArray minusHalf = manager.create(-0.5f);
            return new NormScalars(owned(manager.create(epsilon)), owned(minusHalf));
        }
    }

    /** As {@link #rmsNorm(NDArray, Parameter)}, with {@code scalars} made beforehand (null: made here). */
    NDArray rmsNorm(NDArray x, Parameter weight, NormScalars scalars) {
        NDArray x32 = dataType == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
        // x * rsqrt(mean(x^2) + eps) as HF: the power is taken on the small [.., 1] tensor, and a broadcast
        // multiply costs half the backward passes of a divide on the full-size one.
        NDArray squares = x32.square().mean(new int[] {-1}, true);
        NDArray variance = scalars == null ? squares.add(config.layerNormEpsilon()) : squares.add(scalars.epsilon());
        NDArray normed = x32.mul(variance.pow(scalars == null ? constant(variance, -0.5) : scalars.minusHalf()));
        if (dataType != DataType.FLOAT32) {
            normed = normed.toType(dataType, false);
        }
        return normed.mul(weight.getArray());
    }

    NDArray selfAttention(NDArray h, Attention a, NDArray bias, Dropout dropout) {
        NDArray q = heads(linear(h, a.q()));
        NDArray k = heads(linear(h, a.k()));
        NDArray v = heads(linear(h, a.v()));
        return linear(merge(attend(q, k.transpose(0, 1, 3, 2), v, bias, dropout)), a.o());
    }

    /** {@code softmax(q·kᵀ + bias)·v} without T5's missing {@code 1/sqrt(d_kv)}; {@code keysT [B,H,dk,Tk]}. */
    NDArray attend(NDArray q, NDArray keysT, NDArray v, NDArray bias) {
        return attend(q, keysT, v, bias, Dropout.OFF);
    }

    /** As {@link #attend(NDArray, NDArray, NDArray, NDArray)}, dropping attention probabilities as HF does. */
    NDArray attend(NDArray q, NDArray keysT, NDArray v, NDArray bias, Dropout dropout) {
        NDArray scores = q.matMul(keysT);
        if (dataType != DataType.FLOAT32) {
            scores = scores.toType(DataType.FLOAT32, false);
        }
        if (bias != null) {
            scores = scores.add(bias);
        }
        NDArray probs = scores.softmax(-1);
        if (dataType != DataType.FLOAT32) {
            probs = probs.toType(dataType, false);
        }
        return dropout.apply(probs, dropoutRate).matMul(v);
    }

    /** {@code [B, T, H*dk] → [B, H, T, dk]}. */
    NDArray heads(NDArray x) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), config.numHeads(), config.dKv()).transpose(0, 2, 1, 3);
    }

    /** {@code [B, H, T, dk] → [B, T, H*dk]}. */
    NDArray merge(NDArray x) {
        Shape s = x.getShape();
        return x.transpose(0, 2, 1, 3).reshape(s.get(0), s.get(2), config.innerDim());
    }

    NDArray feedForward(NDArray h, FeedForward ff) {
        return feedForward(h, ff, Dropout.OFF);
    }

    /** HF's {@code T5DenseActDense} / {@code T5DenseGatedActDense}: dropout before {@code wo}. */
    NDArray feedForward(NDArray h, FeedForward ff, Dropout dropout) {
        NDArray hidden;
        if (config.gated()) {
            hidden = activation(linear(h, ff.wi0())).mul(linear(h, ff.wi1()));
        } else {
            hidden = activation(linear(h, ff.wi()));
        }
        return linear(dropout.apply(hidden, dropoutRate), ff.wo());
    }

    private NDArray activation(NDArray x) {
        return switch (config.activation()) {
            case "relu" -> Activation.relu(x);
            case "gelu" -> Activation.gelu(x);
            case "silu", "swish" -> x.mul(Activation.sigmoid(x));
            // gelu_new: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
            default -> x.mul(x).mul(x).mul(constant(x, 0.044715)).add(x).mul(constant(x, Math.sqrt(2 / Math.PI))).tanh()
                    .add(1).mul(x).mul(constant(x, 0.5));
        };
    }

    /**
     * Relative position bias {@code [1, H, queries, keys]} (float32) for queries at {@code queryStart..} against
     * keys {@code 0..keys-1}.
     */
    NDArray positionBias(NDManager m, Parameter table, int queryStart, int queries, int keys, boolean bidirectional) {
        long[] buckets = T5RelativePosition.table(queryStart, queries, keys, bidirectional, config.numBuckets(),
                config.maxDistance());
        NDArray ids = m.create(buckets, new Shape(queries, keys));
        NDArray bias = ids.getNDArrayInternal().embedding(ids, table.getArray(), SparseFormat.DENSE)
                .singletonOrThrow().transpose(2, 0, 1).expandDims(0);
        return dataType == DataType.FLOAT32 ? bias : bias.toType(DataType.FLOAT32, false);
    }

    /** {@code [B, S]} 1/0 mask → additive {@code [B, 1, 1, S]} float32 (0 or finfo.min). */
    static NDArray additiveMask(NDArray attentionMask) {
        Shape s = attentionMask.getShape();
        return attentionMask.toType(DataType.FLOAT32, false).neg().add(1).mul(MASK)
                .reshape(s.get(0), 1, 1, s.get(1));
    }

    static NDArray causalMask(NDManager m, int length) {
        float[] mask = new float[length * length];
        for (int q = 0; q < length; q++) {
            for (int k = q + 1; k < length; k++) {
                mask[q * length + k] = MASK;
            }
        }
        return m.create(mask, new Shape(1, 1, length, length));
    }

    Layer[] decoderLayers() {
        return decoderLayers;
    }

    Parameter decoderBias() {
        return decoderBias;
    }

    Parameter decoderFinal() {
        return decoderFinal;
    }

    // ---------------------------------------------------------------------------------------------- generation

    @Override
    public List<List<int[]>> generate(List<int[]> prompts, Decoding decoding, int samples) {
        T5Generator.Result result = new T5Generator(this).generate(prompts, decoding, samples, true, false);
        List<List<int[]>> out = new ArrayList<>(prompts.size());
        for (int p = 0; p < prompts.size(); p++) {
            List<int[]> perPrompt = new ArrayList<>(samples);
            for (int s = 0; s < samples; s++) {
                int[] tokens = result.tokens().get(p * samples + s);
                int end = tokens.length > 0 && tokens[tokens.length - 1] == eosTokenId() ? tokens.length - 1
                        : tokens.length;
                perPrompt.add(java.util.Arrays.copyOf(tokens, end));
            }
            out.add(perPrompt);
        }
        return out;
    }

    /**
     * Generation with the details the parity test and the benchmark need: per row ({@code prompt * samples +
     * sample}) the new tokens up to and including eos, and (when {@code recordLogits}) the logits of every step.
     * {@code useCache} false recomputes the whole decoder at each step (the reference the cache is checked against).
     */
    public T5Generator.Result generate(List<int[]> prompts, Decoding decoding, int samples, boolean useCache,
                                       boolean recordLogits) {
        return new T5Generator(this).generate(prompts, decoding, samples, useCache, recordLogits);
    }

    // ---------------------------------------------------------------------------------------------- save

    @Override
    public void save(Path folder) throws IOException {
        Files.createDirectories(folder);
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        try (NDManager scope = NDManager.newBaseManager(Device.cpu())) {
            for (Map.Entry<String, Parameter> entry : parameters.byName().entrySet()) {
                NDArray array = entry.getValue().getArray();
                if (array.getDataType() != DataType.FLOAT32 || !array.getDevice().equals(Device.cpu())) {
                    // Saved as float32 from the CPU (bfloat16 cannot exist on the CPU in DJL's PyTorch).
                    NDArray widened = array.toType(DataType.FLOAT32, true);
                    NDArray copy = widened.toDevice(Device.cpu(), true);
                    copy.attach(scope);
                    widened.close();
                    array = copy;
                }
                tensors.put(entry.getKey(), array);
            }
            SafetensorsWriter.write(folder.resolve(SafetensorsStore.SINGLE_FILE), tensors);
        }
        HfConfig out = hfConfig;
        if (!out.has("model_type")) {
            out = out.with("model_type", "t5");
        }
        out.write(folder);
    }

    @Override
    public void close() {
        manager.close();
    }

    @Override
    public String toString() {
        return "T5Model(" + config + ", " + device() + ", " + dataType + ")";
    }
}
