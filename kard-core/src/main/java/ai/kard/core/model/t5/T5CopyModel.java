package ai.kard.core.model.t5;

import ai.kard.core.model.common.EngineArrays;
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.kard.api.Decoding;
import ai.kard.core.checkpoint.HfConfig;
import ai.kard.core.checkpoint.SafetensorsStore;
import ai.kard.core.checkpoint.SafetensorsWriter;
import ai.kard.core.generate.TokenSampler;
import ai.kard.core.model.LanguageModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A T5 with a copy head (pointer-generator, See et al. 2017): at each target position the output distribution
 * mixes the LM head's vocabulary distribution with an attention distribution over the prompt's tokens,
 * {@code p = g * p_vocab + (1 - g) * sum_s a_s [x_s = y]}, where {@code a} attends from the decoder's final
 * state to the encoder's final states and the gate {@code g} reads the decoder state and the attended context.
 *
 * <p>Why: a small student trained from scratch learns very slowly to reproduce, through its vocabulary head, a
 * name it has never seen (an unseen drug in a retrieved passage); pointing at the name's tokens in the prompt is
 * easy. The T5 weights stay standard (transformers loads {@code model.safetensors} and ignores the head); the
 * head's three tensors live in {@value #FILE} and the config carries {@code "kard_copy_head": true}.
 *
 * <p>Generation recomputes the decoder over the prefix at each step (no key/value cache): fine for the short
 * rationales of small students.
 */
public final class T5CopyModel implements LanguageModel {
    /** The config key that asks for a copy head. */
    public static final String CONFIG_KEY = "kard_copy_head";
    /** The head's weights, next to {@code model.safetensors}. */
    public static final String FILE = "kard-copy-head.safetensors";
    static final String QUERY = "copy_head.query.weight";
    static final String GATE = "copy_head.gate.weight";
    static final String GATE_BIAS = "copy_head.gate.bias";
    /**
     * Two learnt weights on the continuation features: a prompt position whose previous token is the token just
     * emitted (one back), and whose two previous tokens are the last two emitted (two back).
     */
    static final String CONTINUATION = "copy_head.continuation.weight";
    /** Initial continuation weights, in units of the copy attention's scaled dot products. */
    private static final float CONTINUATION_INIT = 2f;
    private static final long IGNORE = -100;

    private final T5Model t5;
    private final HeadBlock block;
    private final Parameter query;
    private final Parameter gate;
    private final Parameter gateBias;
    private final Parameter continuation;

    private T5CopyModel(T5Model t5, Map<String, NDArray> head) {
        this.t5 = t5;
        this.query = parameter(QUERY, head);
        this.gate = parameter(GATE, head);
        this.gateBias = parameter(GATE_BIAS, head);
        this.continuation = parameter(CONTINUATION, head);
        this.block = new HeadBlock(t5.block(), List.of(query, gate, gateBias, continuation));
    }

    private static Parameter parameter(String name, Map<String, NDArray> arrays) {
        return Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).optArray(arrays.get(name)).build();
    }

    /** True when {@code config} asks for a copy head. */
    public static boolean wanted(HfConfig config) {
        return config.json().path(CONFIG_KEY).asBoolean(false);
    }

    /** Adds a freshly initialised head (seeded) to {@code t5}; the wrapper owns {@code t5}. */
    public static T5CopyModel create(T5Model t5, long seed) {
        int d = t5.t5Config().dModel();
        Random random = new Random(seed ^ 0x5DEECE66DL);
        NDManager m = t5.manager();
        Map<String, NDArray> head = new LinkedHashMap<>();
        head.put(QUERY, m.create(gaussian(random, d * d, 1 / Math.sqrt(d)), new Shape(d, d)));
        head.put(GATE, m.create(gaussian(random, 2 * d, 0.02), new Shape(1, 2L * d)));
        head.put(GATE_BIAS, m.create(new float[] {0f}, new Shape(1)));
        head.put(CONTINUATION, m.create(new float[] {CONTINUATION_INIT, CONTINUATION_INIT}, new Shape(2)));
        head.replaceAll((k, v) -> v.toType(t5.dataType(), false));
        return new T5CopyModel(t5, head);
    }

    /** Adds the head saved in {@code folder} to {@code t5}; the wrapper owns {@code t5}. */
    public static T5CopyModel load(T5Model t5, Path folder) throws IOException {
        SafetensorsStore store = SafetensorsStore.open(folder.resolve(FILE));
        Map<String, NDArray> head = new LinkedHashMap<>();
        for (String name : List.of(QUERY, GATE, GATE_BIAS)) {
            head.put(name, store.load(name, t5.manager(), t5.dataType()));
        }
        // Heads saved before the continuation features existed copy as they did: weights zero.
        head.put(CONTINUATION, store.contains(CONTINUATION) ? store.load(CONTINUATION, t5.manager(), t5.dataType())
                : t5.manager().zeros(new Shape(2), t5.dataType()));
        return new T5CopyModel(t5, head);
    }

    /**
     * {@code model} with its copy head when its config asks for one: created (seeded) when {@code folder} is null
     * or holds no head file, else loaded. Other models are returned as they are.
     */
    public static LanguageModel attachIfWanted(LanguageModel model, Path folder, long seed) throws IOException {
        if (!(model instanceof T5Model t5) || !wanted(model.config())) {
            return model;
        }
        try {
            return folder != null && Files.isRegularFile(folder.resolve(FILE)) ? load(t5, folder) : create(t5, seed);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private static float[] gaussian(Random random, int n, double std) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (random.nextGaussian() * std);
        }
        return values;
    }

    @Override
    public HfConfig config() {
        return t5.config();
    }

    @Override
    public boolean isEncoderDecoder() {
        return true;
    }

    @Override
    public Block block() {
        return block;
    }

    @Override
    public Device device() {
        return t5.device();
    }

    @Override
    public DataType dataType() {
        return t5.dataType();
    }

    @Override
    public int eosTokenId() {
        return t5.eosTokenId();
    }

    @Override
    public int padTokenId() {
        return t5.padTokenId();
    }

    /** Mask value of the copy attention: finite, so that log-space sums never meet infinities. */
    private static final float COPY_MASK = -1e9f;
    /** Log-weight of a prompt position that does not hold the target token. */
    private static final float NO_MATCH = -1e4f;

    /**
     * Copy attention log-probabilities {@code [B, T, S]} and the gate's logit {@code [B, T, 1]} (float32) for
     * decoder states over encoder states. {@code continuations} ({@code [2, B, T, S]}, 0/1) mark the prompt
     * positions that would continue the tokens just emitted: see {@link #continuations}.
     */
    private NDList copy(NDArray decoderStates, NDArray encoderStates, NDArray attentionMask, NDArray continuations) {
        int d = t5.t5Config().dModel();
        NDArray q = T5Model.linear(decoderStates, query);
        NDArray scores = q.matMul(encoderStates.transpose(0, 2, 1));
        scores = scores.div(EngineArrays.constant(scores, Math.sqrt(d)));
        NDArray weights = continuation.getArray().toType(scores.getDataType(), false).reshape(2, 1, 1, 1);
        scores = scores.add(continuations.toType(scores.getDataType(), false).mul(weights).sum(new int[] {0}));
        Shape s = attentionMask.getShape();
        NDArray additive = attentionMask.toType(DataType.FLOAT32, false).neg().add(1).mul(COPY_MASK)
                .reshape(s.get(0), 1, s.get(1));
        NDArray logAttention = scores.toType(DataType.FLOAT32, false).add(additive).logSoftmax(-1);
        NDArray context = logAttention.exp().toType(encoderStates.getDataType(), false).matMul(encoderStates);
        NDArray features = decoderStates.concat(context, -1);
        NDArray gateLogit = features.getNDArrayInternal().linear(features, gate.getArray(), gateBias.getArray())
                .singletonOrThrow().toType(DataType.FLOAT32, false);
        return new NDList(logAttention, gateLogit);
    }

    /**
     * The continuation features of a decoder input {@code decoderInput} ({@code rows x length}, the start token
     * first) over the prompt {@code input}: {@code [0, r, t, s] = 1} where prompt token {@code s - 1} equals
     * decoder input {@code t} (the token emitted last), {@code [1, r, t, s] = 1} where also prompt token
     * {@code s - 2} equals decoder input {@code t - 1}. Why: a name is usually several word pieces; once the
     * student has copied the first, pointing at the piece that follows it in the prompt finishes the name, which
     * attention over encoder states alone learns slowly.
     */
    private float[] continuations(Batch input, long[] decoderInput, int rows, int length) {
        return continuations(input, decoderInput, rows, length, t5.t5Config().decoderStartTokenId(), padTokenId());
    }

    static float[] continuations(Batch input, long[] decoderInput, int rows, int length, long start, long pad) {
        int source = input.width();
        float[] features = new float[2 * rows * length * source];
        int plane = rows * length * source;
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < length; t++) {
                long last = decoderInput[r * length + t];
                if (t == 0 || last == start || last == pad) {
                    continue;
                }
                long before = t >= 2 ? decoderInput[r * length + t - 1] : -1;
                int at = (r * length + t) * source;
                for (int s = 1; s < source; s++) {
                    int prev = r * source + s - 1;
                    if (input.mask()[r * source + s] != 1 || input.ids()[prev] != last) {
                        continue;
                    }
                    features[at + s] = 1;
                    if (s >= 2 && before >= 0 && input.ids()[prev - 1] == before) {
                        features[plane + at + s] = 1;
                    }
                }
            }
        }
        return features;
    }

    /** {@code log(sum(exp(x)))} over {@code axis}, kept, stable (the max is a constant for autograd). */
    private static NDArray logSumExp(NDArray x, int axis) {
        NDArray max = x.max(new int[] {axis}, true);
        return x.sub(max).exp().sum(new int[] {axis}, true).log().add(max);
    }

    @Override
    public NDArray loss(NDManager manager, List<int[]> prompts, List<int[]> targets) {
        if (prompts.size() != targets.size() || prompts.isEmpty()) {
            throw new IllegalArgumentException(prompts.size() + " prompts and " + targets.size()
                    + " targets: expected the same non-zero number");
        }
        // Everything lives in the caller's manager until after backward: arrays created from Java buffers (token
        // ids, relative-position buckets, weights) may wrap those buffers, and autograd reads some of them in the
        // backward pass; releasing them earlier showed up as intermittent NaN gradients.
        NDManager scope = manager;
        {
            Batch input = Batch.pad(prompts, padTokenId(), 0, "prompt");
            Batch labels = Batch.pad(targets, (int) IGNORE, 0, "target");
            int rows = input.rows();
            int source = input.width();
            int length = labels.width();
            long[] flat = labels.ids();
            long[] targetIds = new long[flat.length];
            float[] weights = new float[flat.length];
            float[] matches = new float[rows * length * source];
            Arrays.fill(matches, NO_MATCH);
            int counted = 0;
            for (int r = 0; r < rows; r++) {
                for (int t = 0; t < length; t++) {
                    long y = flat[r * length + t];
                    if (y == IGNORE) {
                        continue;
                    }
                    if (y < 0 || y >= t5.t5Config().vocabSize()) {
                        throw new IllegalArgumentException("label " + y + " is outside the vocabulary");
                    }
                    targetIds[r * length + t] = y;
                    weights[r * length + t] = 1;
                    counted++;
                    for (int s = 0; s < source; s++) {
                        boolean match = input.mask()[r * source + s] == 1 && input.ids()[r * source + s] == y;
                        matches[(r * length + t) * source + s] = match ? 0f : NO_MATCH;
                    }
                }
            }
            NDArray ids = EngineArrays.owned(input.ids(scope));
            NDArray mask = EngineArrays.owned(input.mask(scope));
            long[] shifted = t5.shiftRight(flat, rows, length);
            NDArray decoderInput = EngineArrays.owned(scope.create(shifted, new Shape(rows, length)));
            NDArray continuations = EngineArrays.owned(scope.create(continuations(input, shifted, rows, length),
                    new Shape(2, rows, length, source)));
            NDArray encoded = t5.encode(ids, mask);
            NDArray decoded = t5.decode(decoderInput, encoded, mask);
            // log p = log(g p_vocab + (1 - g) p_copy), summed in log space so that tiny probabilities keep
            // finite gradients.
            NDArray logVocab = t5.head(decoded).logSoftmax(-1)
                    .gather(EngineArrays.owned(scope.create(targetIds, new Shape(rows, length, 1))), 2);
            NDList copy = copy(decoded, encoded, mask, continuations);
            NDArray logCopy = logSumExp(copy.get(0).add(EngineArrays.owned(scope.create(matches, new Shape(rows, length, source)))), 2);
            NDArray gateLogit = copy.get(1);
            NDArray logGate = Activation.softPlus(gateLogit.neg()).neg();
            NDArray logNotGate = Activation.softPlus(gateLogit).neg();
            NDArray both = logGate.add(logVocab).concat(logNotGate.add(logCopy), -1);
            NDArray logP = logSumExp(both, 2).reshape(rows, length);
            NDArray sum = logP.mul(EngineArrays.owned(scope.create(weights, new Shape(rows, length)))).sum().neg();
            return sum.div(EngineArrays.constant(sum, counted));
        }
    }

    @Override
    public List<List<int[]>> generate(List<int[]> prompts, Decoding decoding, int samples) {
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1, got " + samples);
        }
        List<int[]> rowsPrompts = new ArrayList<>(prompts.size() * samples);
        for (int[] prompt : prompts) {
            for (int s = 0; s < samples; s++) {
                rowsPrompts.add(prompt);
            }
        }
        int rows = rowsPrompts.size();
        int vocabSize = t5.t5Config().vocabSize();
        Batch input = Batch.pad(rowsPrompts, padTokenId(), 0, "prompt");
        int source = input.width();
        TokenSampler[] samplers = new TokenSampler[rows];
        for (int r = 0; r < rows; r++) {
            samplers[r] = new TokenSampler(decoding, r);
        }
        int[][] out = new int[rows][];
        int[] lengths = new int[rows];
        boolean[] done = new boolean[rows];
        int max = decoding.maxNewTokens();
        for (int r = 0; r < rows; r++) {
            out[r] = new int[max];
        }
        try (NDManager m = t5.manager().newSubManager()) {
            NDArray mask = input.mask(m);
            NDArray encoded = t5.encode(input.ids(m), mask);
            for (int step = 0; step < max; step++) {
                float[] vocab;
                float[] attention;
                float[] gates;
                try (NDScope scope = new NDScope(); NDManager s = m.newSubManager()) {
                    scope.suppressNotUsedWarning();
                    long[] prefix = new long[rows * (step + 1)];
                    for (int r = 0; r < rows; r++) {
                        prefix[r * (step + 1)] = t5.t5Config().decoderStartTokenId();
                        for (int t = 0; t < step; t++) {
                            prefix[r * (step + 1) + t + 1] = out[r][t];
                        }
                    }
                    NDArray decoded = t5.decode(s.create(prefix, new Shape(rows, step + 1)), encoded, mask)
                            .get(":, -1:, :");
                    vocab = t5.head(decoded).softmax(-1).toFloatArray();
                    float[] features = continuations(input, prefix, rows, step + 1);
                    float[] last = new float[2 * rows * source];
                    for (int plane = 0; plane < 2; plane++) {
                        for (int r = 0; r < rows; r++) {
                            System.arraycopy(features, ((plane * rows + r) * (step + 1) + step) * source,
                                    last, (plane * rows + r) * source, source);
                        }
                    }
                    NDList copy = copy(decoded, encoded, mask, s.create(last, new Shape(2, rows, 1, source)));
                    attention = copy.get(0).exp().toFloatArray();
                    gates = Activation.sigmoid(copy.get(1)).toFloatArray();
                }
                boolean all = true;
                for (int r = 0; r < rows; r++) {
                    if (done[r]) {
                        continue;
                    }
                    float g = gates[r];
                    float[] mixed = new float[vocabSize];
                    for (int v = 0; v < vocabSize; v++) {
                        mixed[v] = g * vocab[r * vocabSize + v];
                    }
                    for (int x = 0; x < source; x++) {
                        if (input.mask()[r * source + x] == 1) {
                            mixed[(int) input.ids()[r * source + x]] += (1 - g) * attention[r * source + x];
                        }
                    }
                    for (int v = 0; v < vocabSize; v++) {
                        mixed[v] = (float) Math.log(mixed[v] + 1e-12);
                    }
                    int next = samplers[r].next(mixed);
                    if (next == eosTokenId()) {
                        done[r] = true;
                    } else {
                        out[r][lengths[r]++] = next;
                        all = false;
                    }
                }
                if (all) {
                    break;
                }
            }
        }
        List<List<int[]>> result = new ArrayList<>(prompts.size());
        for (int p = 0; p < prompts.size(); p++) {
            List<int[]> perPrompt = new ArrayList<>(samples);
            for (int s = 0; s < samples; s++) {
                int r = p * samples + s;
                perPrompt.add(Arrays.copyOf(out[r], lengths[r]));
            }
            result.add(perPrompt);
        }
        return result;
    }

    @Override
    public void save(Path folder) throws IOException {
        t5.save(folder);
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        try (NDManager scope = NDManager.newBaseManager(Device.cpu())) {
            for (Parameter p : List.of(query, gate, gateBias, continuation)) {
                NDArray array = p.getArray().toType(DataType.FLOAT32, true).toDevice(Device.cpu(), true);
                array.attach(scope);
                tensors.put(p.getName(), array);
            }
            SafetensorsWriter.write(folder.resolve(FILE), tensors);
        }
    }

    @Override
    public void close() {
        t5.close();
    }

    @Override
    public String toString() {
        return "T5CopyModel(" + t5 + ")";
    }

    /** The T5 parameters plus the head's, for the trainer. */
    private static final class HeadBlock extends AbstractBlock {
        HeadBlock(Block t5, List<Parameter> head) {
            addChildBlock("t5", t5);
            head.forEach(this::addParameter);
        }

        @Override
        protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                         PairList<String, Object> params) {
            throw new UnsupportedOperationException("runs through T5CopyModel.loss / generate");
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            throw new UnsupportedOperationException("runs through T5CopyModel.loss / generate");
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            // Arrays are set at construction.
        }
    }
}
