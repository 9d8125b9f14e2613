package ai.kard.core.internal.model.bert;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.kard.core.internal.checkpoint.HfConfig;
import ai.kard.core.internal.checkpoint.SafetensorsStore;
import ai.kard.core.internal.checkpoint.SafetensorsWriter;
import ai.kard.core.internal.checkpoint.WeightLoader;
import ai.kard.core.internal.model.Dropout;
import ai.kard.core.model.ModelOptions;
import ai.kard.core.internal.model.common.EngineArrays;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A BERT encoder ({@code BertModel} without the pooler) on DJL NDArray ops: word + position + token-type
 * embeddings, post-LayerNorm layers, erf GELU; returns the last hidden states {@code [B, L, H]}.
 *
 * <p>All trainable weights are {@link Parameter}s of {@link #block()}, named by their HF tensor names, so a
 * trainer can compute gradients and update them in place. The pooler (when the checkpoint has one) is kept only
 * to be written back by {@link #save}. Thread-safe for inference: {@link #forward} only reads the weights and
 * scopes its intermediates.
 *
 * <p>Each layer's query, key and value weights (and biases) are row blocks of one {@code [3H, H]} matrix, so that
 * inference (no autograd, no dropout) projects all three with one product; training sees three ordinary
 * parameters and takes the step-by-step path HF's {@code BertSelfAttention} takes.
 *
 * <p>Dropout, when a {@link Dropout} in training is passed, as HF's {@code BertModel}: {@code hidden_dropout_prob}
 * after the embeddings' LayerNorm and on the attention-output and output dense projections before their residual
 * add and LayerNorm; {@code attention_probs_dropout_prob} on the attention probabilities (HF's defaults: 0.1 each).
 */
public final class BertEncoder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BertEncoder.class);
    private static final String POOLER_WEIGHT = "pooler.dense.weight";
    private static final String POOLER_BIAS = "pooler.dense.bias";

    private final BertConfig config;
    private final HfConfig hfConfig;
    private final ModelOptions options;
    private final NDManager manager;
    private final WeightBlock block;
    private final Map<String, NDArray> pooler;
    private final float maskValue;
    private final double hiddenDropout;
    private final double attentionDropout;
    /** Per layer, {@code [query; key; value]} weights {@code [3H, H]}: the three Parameters are views of its rows. */
    private final NDArray[] fusedQkvWeights;
    /** Per layer, {@code [query; key; value]} biases {@code [3H]}, likewise shared with the Parameters. */
    private final NDArray[] fusedQkvBiases;

    private BertEncoder(BertConfig config, HfConfig hfConfig, ModelOptions options, NDManager manager,
            Map<String, NDArray> loadedWeights, Map<String, NDArray> pooler) {
        Map<String, NDArray> weights = new LinkedHashMap<>(loadedWeights);
        this.config = config;
        this.hfConfig = hfConfig;
        this.options = options;
        this.manager = manager;
        this.pooler = pooler;
        this.block = new WeightBlock(this);
        this.fusedQkvWeights = new NDArray[config.numHiddenLayers()];
        this.fusedQkvBiases = new NDArray[config.numHiddenLayers()];
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            String p = "encoder.layer." + i + ".attention.self.";
            fusedQkvWeights[i] = fuse(weights, p, "weight");
            fusedQkvBiases[i] = fuse(weights, p, "bias");
        }
        for (Map.Entry<String, NDArray> entry : weights.entrySet()) {
            block.add(entry.getKey(), entry.getValue());
        }
        // HF adds torch.finfo(dtype).min at masked keys: finite, so fully masked rows cannot produce NaN.
        this.maskValue = options.dataType() == DataType.FLOAT16 ? -65504f
                : options.dataType() == DataType.BFLOAT16 ? -3.3895314e38f : -Float.MAX_VALUE;
        this.hiddenDropout = Dropout.configured(hfConfig, "hidden_dropout_prob", 0.1);
        this.attentionDropout = Dropout.configured(hfConfig, "attention_probs_dropout_prob", 0.1);
    }

    /**
     * Concatenates the query, key and value tensors named {@code prefix + (query|key|value) + "." + kind} along
     * axis 0 and puts views of the result's row blocks in their place in {@code weights} (the separate arrays are
     * closed). Inference then projects with one matrix product instead of three, while training, the optimizer's
     * in-place updates, saving and the HF names see three ordinary weights that always agree with the fused one.
     */
    private static NDArray fuse(Map<String, NDArray> weights, String prefix, String kind) {
        List<String> names = List.of(prefix + "query." + kind, prefix + "key." + kind, prefix + "value." + kind);
        NDList parts = new NDList();
        for (String name : names) {
            parts.add(weights.get(name));
        }
        NDArray fused = NDArrays.concat(parts, 0);
        long rows = parts.get(0).getShape().get(0);
        for (int j = 0; j < names.size(); j++) {
            NDArray view = JniUtils.slice((PtNDArray) fused, 0, j * rows, (j + 1) * rows, 1);
            parts.get(j).close();
            weights.put(names.get(j), view);
        }
        return fused;
    }

    /** The HF tensor names and shapes of the trainable weights, in HF's order. */
    static Map<String, long[]> weightShapes(BertConfig c) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        long h = c.hiddenSize();
        long ff = c.intermediateSize();
        shapes.put("embeddings.word_embeddings.weight", new long[] {c.vocabSize(), h});
        shapes.put("embeddings.position_embeddings.weight", new long[] {c.maxPositionEmbeddings(), h});
        shapes.put("embeddings.token_type_embeddings.weight", new long[] {c.typeVocabSize(), h});
        shapes.put("embeddings.LayerNorm.weight", new long[] {h});
        shapes.put("embeddings.LayerNorm.bias", new long[] {h});
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String p = "encoder.layer." + i + ".";
            for (String proj : List.of("query", "key", "value")) {
                shapes.put(p + "attention.self." + proj + ".weight", new long[] {h, h});
                shapes.put(p + "attention.self." + proj + ".bias", new long[] {h});
            }
            shapes.put(p + "attention.output.dense.weight", new long[] {h, h});
            shapes.put(p + "attention.output.dense.bias", new long[] {h});
            shapes.put(p + "attention.output.LayerNorm.weight", new long[] {h});
            shapes.put(p + "attention.output.LayerNorm.bias", new long[] {h});
            shapes.put(p + "intermediate.dense.weight", new long[] {ff, h});
            shapes.put(p + "intermediate.dense.bias", new long[] {ff});
            shapes.put(p + "output.dense.weight", new long[] {h, ff});
            shapes.put(p + "output.dense.bias", new long[] {h});
            shapes.put(p + "output.LayerNorm.weight", new long[] {h});
            shapes.put(p + "output.LayerNorm.bias", new long[] {h});
        }
        return shapes;
    }

    /** Loads a HF BERT folder ({@code BertModel} names, or a task model's {@code bert.}-prefixed ones). */
    public static BertEncoder load(Path folder, ModelOptions options) throws IOException {
        HfConfig hf = HfConfig.read(folder);
        BertConfig config = BertConfig.from(hf);
        SafetensorsStore store = SafetensorsStore.open(folder);
        WeightLoader loader = new WeightLoader().prefixes("bert.")
                .ignore(n -> n.endsWith("embeddings.position_ids") || n.contains("pooler.dense."));
        weightShapes(config).forEach(loader::expect);
        NDManager manager = NDManager.newBaseManager(options.device());
        try {
            Map<String, NDArray> weights = loader.load(store, folder, manager, options.dataType());
            Map<String, NDArray> pooler = new LinkedHashMap<>();
            for (String prefix : List.of("", "bert.")) {
                if (store.contains(prefix + POOLER_WEIGHT) && store.contains(prefix + POOLER_BIAS)) {
                    pooler.put(POOLER_WEIGHT, store.load(prefix + POOLER_WEIGHT, manager, options.dataType()));
                    pooler.put(POOLER_BIAS, store.load(prefix + POOLER_BIAS, manager, options.dataType()));
                    break;
                }
            }
            LOG.info("loaded BERT encoder from {}: {} on {}", folder, config, options.device());
            return new BertEncoder(config, hf, options, manager, weights, pooler);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * An encoder with HF's initialisation (normal(0, initializer_range) matrices, zero biases, unit LayerNorm,
     * zero padding embedding), reproducible from {@code seed}: each tensor draws from its own seeded stream.
     */
    public static BertEncoder create(BertConfig config, long seed, ModelOptions options) {
        NDManager manager = NDManager.newBaseManager(options.device());
        try {
            Map<String, NDArray> weights = new LinkedHashMap<>();
            for (Map.Entry<String, long[]> entry : weightShapes(config).entrySet()) {
                weights.put(entry.getKey(), initial(manager, config, entry.getKey(), entry.getValue(), seed,
                        options.dataType()));
            }
            Map<String, NDArray> pooler = new LinkedHashMap<>();
            long h = config.hiddenSize();
            pooler.put(POOLER_WEIGHT, initial(manager, config, POOLER_WEIGHT, new long[] {h, h}, seed,
                    options.dataType()));
            pooler.put(POOLER_BIAS, initial(manager, config, POOLER_BIAS, new long[] {h}, seed,
                    options.dataType()));
            return new BertEncoder(config, config.toHf(), options, manager, weights, pooler);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static NDArray initial(NDManager manager, BertConfig config, String name, long[] shape, long seed,
            DataType dataType) {
        int count = Math.toIntExact(new Shape(shape).size());
        float[] values = new float[count];
        if (name.endsWith("LayerNorm.weight")) {
            java.util.Arrays.fill(values, 1f);
        } else if (!name.endsWith(".bias")) {
            SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + name.hashCode());
            for (int i = 0; i < count; i++) {
                values[i] = (float) (random.nextGaussian() * config.initializerRange());
            }
            if (name.equals("embeddings.word_embeddings.weight")) {
                int h = config.hiddenSize();
                java.util.Arrays.fill(values, config.padTokenId() * h, (config.padTokenId() + 1) * h, 0f);
            }
        }
        NDArray array = manager.create(values, new Shape(shape));
        if (dataType == DataType.FLOAT32) {
            return array;
        }
        NDArray converted = array.toType(dataType, false);
        array.close();
        return converted;
    }

    /** Writes {@code config.json} and {@code model.safetensors} ({@code BertModel} tensor names) into {@code folder}. */
    public void save(Path folder) throws IOException {
        Files.createDirectories(folder);
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        try (NDManager scope = manager.newSubManager()) {
            for (Parameter parameter : block.weights().values()) {
                tensors.put(parameter.getName(), asFloat32(parameter.getArray(), scope));
            }
            for (Map.Entry<String, NDArray> entry : pooler.entrySet()) {
                tensors.put(entry.getKey(), asFloat32(entry.getValue(), scope));
            }
            SafetensorsWriter.write(folder.resolve(SafetensorsStore.SINGLE_FILE), tensors);
        }
        hfConfig.with("architectures", List.of("BertModel")).with("torch_dtype", "float32").write(folder);
    }

    private static NDArray asFloat32(NDArray array, NDManager scope) {
        if (array.getDataType() == DataType.FLOAT32) {
            return array;
        }
        NDArray converted = array.toType(DataType.FLOAT32, true);
        converted.attach(scope);
        return converted;
    }

    /**
     * Last hidden states {@code [B, L, H]} for {@code inputIds [B, L]} (int64). {@code tokenTypeIds} and
     * {@code attentionMask} ({@code [B, L]}, 1 = token, 0 = padding) may be null (all zeros / all ones). The result
     * belongs to {@code inputIds}' manager; every intermediate is closed before this returns (gradients still flow
     * when called inside a gradient collector).
     */
    public NDArray forward(NDArray inputIds, NDArray tokenTypeIds, NDArray attentionMask) {
        return forward(inputIds, tokenTypeIds, attentionMask, Dropout.OFF);
    }

    /** As {@link #forward(NDArray, NDArray, NDArray)} with {@code dropout} where HF's BERT applies it. */
    public NDArray forward(NDArray inputIds, NDArray tokenTypeIds, NDArray attentionMask, Dropout dropout) {
        Shape shape = inputIds.getShape();
        if (shape.dimension() != 2) {
            throw new IllegalArgumentException("input ids must be [batch, length], got " + shape);
        }
        long batch = shape.get(0);
        long length = shape.get(1);
        if (length > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("sequence of " + length + " tokens exceeds max_position_embeddings "
                    + config.maxPositionEmbeddings());
        }
        NDManager owner = inputIds.getManager();
        try (NDManager scope = owner.newSubManager(options.device())) {
            scope.tempAttachAll(inputIds);
            // Embedding keeps its indices for the backward pass: they must be engine-owned copies, never the
            // caller's (possibly Java-buffer-backed) arrays (see EngineArrays).
            NDArray ids = EngineArrays.copyAs(inputIds.toDevice(options.device(), false), DataType.INT64);
            ids.attach(scope);
            // Without autograd or dropout (inference) the encoder takes the fused path: the same arithmetic in fewer,
            // larger ops, which matters most at batch 1, where each op's fixed cost weighs the most.
            boolean inference = !dropout.training() && !JniUtils.isGradMode();
            NDArray h = inference ? inferenceEmbeddings(ids, tokenTypeIds, length, scope)
                    : embeddings(ids, tokenTypeIds, shape, length, scope);
            h = dropout.apply(layerNorm(h, "embeddings.LayerNorm."), hiddenDropout);
            NDArray mask = null;
            // Inference skips a mask without padding (it would add 0 to every score).
            if (attentionMask != null && !(inference && masksNothing(attentionMask))) {
                NDArray m = EngineArrays.copyAs(attentionMask.toDevice(options.device(), false), options.dataType());
                m.attach(scope);
                // (mask - 1) * max: 0 for tokens, finfo.min for padding; broadcast over heads and queries.
                mask = m.sub(EngineArrays.constant(m, 1)).mul(EngineArrays.constant(m, -maskValue))
                        .reshape(batch, 1, 1, length);
            }
            if (inference) {
                NDArray scale = EngineArrays.constant(h, 1 / Math.sqrt(config.headDim()));
                h = h.reshape(batch * length, config.hiddenSize());
                for (int i = 0; i < config.numHiddenLayers(); i++) {
                    h = inferenceLayer(h, mask, i, scale, batch, length);
                }
                h = h.reshape(batch, length, config.hiddenSize());
            } else {
                for (int i = 0; i < config.numHiddenLayers(); i++) {
                    h = layer(h, mask, "encoder.layer." + i + ".", batch, length, dropout);
                }
            }
            h.attach(owner);
            return h;
        }
    }

    /** Word + position + token-type embeddings {@code [B, L, H]}, each looked up as HF does. */
    private NDArray embeddings(NDArray ids, NDArray tokenTypeIds, Shape shape, long length, NDManager scope) {
        NDArray types = tokenTypeIds == null ? scope.zeros(shape, DataType.INT64)
                : EngineArrays.copyAs(tokenTypeIds.toDevice(options.device(), false), DataType.INT64);
        types.attach(scope);
        NDArray positions = scope.arange(0, length, 1, DataType.INT64).reshape(1, length);
        return Embedding.embedding(ids, w("embeddings.word_embeddings.weight"), SparseFormat.DENSE).singletonOrThrow()
                .add(Embedding.embedding(positions, w("embeddings.position_embeddings.weight"), SparseFormat.DENSE)
                        .singletonOrThrow())
                .add(Embedding.embedding(types, w("embeddings.token_type_embeddings.weight"), SparseFormat.DENSE)
                        .singletonOrThrow());
    }

    /**
     * {@link #embeddings} for inference: positions 0..L-1 are the first L rows of their table and absent token
     * types are row 0 of theirs, so both are views added by broadcast instead of index lookups (same values).
     */
    private NDArray inferenceEmbeddings(NDArray ids, NDArray tokenTypeIds, long length, NDManager scope) {
        NDArray words = Embedding.embedding(ids, w("embeddings.word_embeddings.weight"), SparseFormat.DENSE)
                .singletonOrThrow();
        NDArray positions = EngineArrays.view(w("embeddings.position_embeddings.weight"), 0, 0, length, scope);
        NDArray types;
        if (tokenTypeIds == null) {
            types = EngineArrays.view(w("embeddings.token_type_embeddings.weight"), 0, 0, 1, scope);
        } else {
            NDArray typeIds = EngineArrays.copyAs(tokenTypeIds.toDevice(options.device(), false), DataType.INT64);
            typeIds.attach(scope);
            types = Embedding.embedding(typeIds, w("embeddings.token_type_embeddings.weight"), SparseFormat.DENSE)
                    .singletonOrThrow();
        }
        return words.add(positions).add(types);
    }

    /** True when every entry of {@code attentionMask} is 1: read on the host ({@code [B, L]} is small). */
    private static boolean masksNothing(NDArray attentionMask) {
        try (NDArray values = attentionMask.toType(DataType.INT64, true)) {
            for (long value : values.toLongArray()) {
                if (value != 1) {
                    return false;
                }
            }
            return true;
        }
    }

    private NDArray layer(NDArray x, NDArray mask, String p, long batch, long length, Dropout dropout) {
        int heads = config.numAttentionHeads();
        int headDim = config.headDim();
        NDArray q = heads(linear(x, p + "attention.self.query."), batch, length, heads, headDim);
        NDArray k = heads(linear(x, p + "attention.self.key."), batch, length, heads, headDim);
        NDArray v = heads(linear(x, p + "attention.self.value."), batch, length, heads, headDim);
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2));
        // An engine-owned scalar: mul keeps its operand for the backward pass (see EngineArrays).
        scores = scores.mul(EngineArrays.constant(scores, 1 / Math.sqrt(headDim)));
        if (mask != null) {
            scores = scores.add(mask);
        }
        NDArray context = dropout.apply(scores.softmax(-1), attentionDropout).matMul(v).transpose(0, 2, 1, 3)
                .reshape(batch, length, config.hiddenSize());
        NDArray a = layerNorm(x.add(dropout.apply(linear(context, p + "attention.output.dense."), hiddenDropout)),
                p + "attention.output.LayerNorm.");
        NDArray ff = activation(linear(a, p + "intermediate.dense."));
        return layerNorm(a.add(dropout.apply(linear(ff, p + "output.dense."), hiddenDropout)), p + "output.LayerNorm.");
    }

    /**
     * {@link #layer} for inference on {@code x [B*L, H]}: one projection for query, key and value, the
     * {@code 1/sqrt(d)} scale on the queries instead of the four times larger scores, and 2-D inputs throughout so
     * each linear is one matrix product with its bias added in the same kernel.
     */
    private NDArray inferenceLayer(NDArray x, NDArray mask, int i, NDArray scale, long batch, long length) {
        String p = "encoder.layer." + i + ".";
        int heads = config.numAttentionHeads();
        int headDim = config.headDim();
        NDList qkv = Linear.linear(x, fusedQkvWeights[i], fusedQkvBiases[i]).singletonOrThrow().split(3, 1);
        NDArray q = heads(qkv.get(0), batch, length, heads, headDim).mul(scale);
        NDArray k = heads(qkv.get(1), batch, length, heads, headDim);
        NDArray v = heads(qkv.get(2), batch, length, heads, headDim);
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2));
        if (mask != null) {
            scores = scores.add(mask);
        }
        NDArray context = scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3)
                .reshape(batch * length, config.hiddenSize());
        NDArray a = layerNorm(x.add(linear(context, p + "attention.output.dense.")), p + "attention.output.LayerNorm.");
        NDArray ff = activation(linear(a, p + "intermediate.dense."));
        return layerNorm(a.add(linear(ff, p + "output.dense.")), p + "output.LayerNorm.");
    }

    private static NDArray heads(NDArray x, long batch, long length, int heads, int headDim) {
        return x.reshape(batch, length, heads, headDim).transpose(0, 2, 1, 3);
    }

    private NDArray activation(NDArray x) {
        return switch (config.hiddenAct()) {
            // PyTorch's gelu is the exact erf form, HF's "gelu"; one fused op instead of five.
            case "gelu" -> Activation.gelu(x);
            case "gelu_new", "gelu_pytorch_tanh" -> x.mul(EngineArrays.constant(x, 0.5)).mul(
                    x.mul(x).mul(x).mul(EngineArrays.constant(x, 0.044715)).add(x)
                            .mul(EngineArrays.constant(x, Math.sqrt(2 / Math.PI))).tanh()
                            .add(EngineArrays.constant(x, 1)));
            case "relu" -> Activation.relu(x);
            default -> throw new IllegalStateException("hidden_act " + config.hiddenAct());
        };
    }

    private NDArray linear(NDArray x, String prefix) {
        return Linear.linear(x, w(prefix + "weight"), w(prefix + "bias")).singletonOrThrow();
    }

    private NDArray layerNorm(NDArray x, String prefix) {
        return LayerNorm.layerNorm(x, new Shape(config.hiddenSize()), w(prefix + "weight"), w(prefix + "bias"),
                (float) config.layerNormEps()).singletonOrThrow();
    }

    private NDArray w(String name) {
        return block.weights().get(name).getArray();
    }

    /**
     * Pads {@code sequences} to the longest on the right with {@code pad_token_id} and runs {@link #forward}:
     * hidden states {@code [B, L, H]} and the mask {@code [B, L]} (int64), both in {@code manager}.
     */
    public NDList forward(NDManager manager, List<int[]> sequences) {
        return forward(manager, sequences, Dropout.OFF);
    }

    /** As {@link #forward(NDManager, List)} with {@code dropout} (training). */
    public NDList forward(NDManager manager, List<int[]> sequences, Dropout dropout) {
        NDList inputs = pad(manager, sequences, config.padTokenId());
        NDArray states = forward(inputs.get(0), null, inputs.get(1), dropout);
        inputs.get(0).close();
        return new NDList(states, inputs.get(1));
    }

    /** Right-padded ids {@code [B, L]} and attention mask {@code [B, L]} (int64) in {@code manager}. */
    public static NDList pad(NDManager manager, List<int[]> sequences, int padId) {
        PaddedBatch batch = PaddedBatch.of(sequences, padId);
        Shape shape = new Shape(batch.rows(), batch.length());
        return new NDList(EngineArrays.of(manager, batch.ids(), shape), EngineArrays.of(manager, batch.mask(), shape));
    }

    public BertConfig config() {
        return config;
    }

    /** The HF config this encoder was loaded or created with (written back by {@link #save}). */
    public HfConfig hfConfig() {
        return hfConfig;
    }

    public ModelOptions options() {
        return options;
    }

    public Device device() {
        return options.device();
    }

    /** The manager that owns the weights; per-call scopes can be its sub-managers. */
    public NDManager manager() {
        return manager;
    }

    /** Holds every trainable weight as a {@link Parameter} named by its HF tensor name. */
    public Block block() {
        return block;
    }

    /** Trainable weights by HF tensor name. */
    public Map<String, Parameter> parameters() {
        return java.util.Collections.unmodifiableMap(block.weights());
    }

    @Override
    public void close() {
        manager.close();
    }

    @Override
    public String toString() {
        return "BertEncoder(" + config + ", " + options.device() + ")";
    }

    /** The parameters in one DJL block; its forward takes {@code (input_ids, token_type_ids?, attention_mask?)}. */
    private static final class WeightBlock extends AbstractBlock {
        private final BertEncoder encoder;

        WeightBlock(BertEncoder encoder) {
            this.encoder = encoder;
        }

        void add(String name, NDArray array) {
            Parameter.Type type = name.endsWith("LayerNorm.weight") ? Parameter.Type.GAMMA
                    : name.endsWith("LayerNorm.bias") ? Parameter.Type.BETA
                    : name.endsWith(".bias") ? Parameter.Type.BIAS : Parameter.Type.WEIGHT;
            addParameter(Parameter.builder().setName(name).setType(type).optShape(array.getShape())
                    .optArray(array).build());
        }

        Map<String, Parameter> weights() {
            return parameters;
        }

        @Override
        protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                PairList<String, Object> params) {
            return new NDList(encoder.forward(inputs.get(0), inputs.size() > 1 ? inputs.get(1) : null,
                    inputs.size() > 2 ? inputs.get(2) : null));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {new Shape(inputShapes[0].get(0), inputShapes[0].get(1),
                    encoder.config.hiddenSize())};
        }
    }
}
