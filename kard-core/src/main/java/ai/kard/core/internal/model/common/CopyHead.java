package ai.kard.core.internal.model.common;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.kard.core.checkpoint.CheckpointException;
import ai.kard.core.internal.checkpoint.HfConfig;
import ai.kard.core.internal.checkpoint.SafetensorsStore;
import ai.kard.core.internal.checkpoint.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A copy head (pointer-generator, See et al. 2017) over a model's final states: at each predicted position the
 * output distribution mixes the LM head's vocabulary distribution with an attention distribution over the prompt's
 * tokens, {@code p = g * p_vocab + (1 - g) * sum_s a_s [x_s = y]}. The attention reads from the state that predicts
 * the token (query, through a learnt matrix, scaled by {@code sqrt(d)}) to the prompt's final states (keys), plus
 * {@value #FEATURES} token-match features ({@link #features}) with weights read from the query state; the gate
 * {@code g = sigmoid(w · [state, attended context] + b)}.
 *
 * <p>Why: a small student trained from scratch learns very slowly to reproduce, through its vocabulary head, a name
 * it has never seen (an unseen drug in a retrieved passage); pointing at the name's tokens in the prompt is easy.
 * The model's weights stay standard (transformers loads {@code model.safetensors} and ignores the head); the head's
 * tensors live in {@value #FILE} and the config carries {@code "kard_copy_head": true}.
 *
 * <p>Used by the T5 student ({@code T5CopyModel}: keys are the encoder's states) and by decoder-only students
 * ({@link CausalLanguageModel}: keys are the final states at prompt positions). Its arrays live in the model's
 * manager.
 */
public final class CopyHead {
    /** The config key that asks for a copy head. */
    public static final String CONFIG_KEY = "kard_copy_head";
    /** The head's weights, next to {@code model.safetensors}. */
    public static final String FILE = "kard-copy-head.safetensors";
    static final String QUERY = "copy_head.query.weight";
    static final String GATE = "copy_head.gate.weight";
    static final String GATE_BIAS = "copy_head.gate.bias";
    /**
     * The number of token-match features: the prompt position continues the last emitted token; the last two. (A
     * third, "repeats an emitted token", was tried for conclusions like "so the answer is X" and made the demo's
     * students repeat the wrong name: oracle accuracy 0.57 -> 0.49 after 4 epochs.)
     */
    public static final int FEATURES = 2;
    /**
     * The features' weights are read from the query state, {@code W h + b} ({@code W [FEATURES, size]}): continuing a
     * name is right in the middle of one and wrong after "is".
     */
    static final String FEATURE = "copy_head.feature.weight";
    static final String FEATURE_BIAS = "copy_head.feature.bias";
    /** Initial feature weights, in units of the attention's scaled dot products. */
    private static final float[] FEATURE_INIT = {2f, 2f};
    /** Mask value of the copy attention: finite, so that log-space sums never meet infinities. */
    public static final float COPY_MASK = -1e9f;
    /** Log-weight of a prompt position that does not hold the target token. */
    public static final float NO_MATCH = -1e4f;
    /** A token id meaning "nothing emitted" in {@link #features}. */
    public static final long NONE = -1;

    private final int size;
    private final Parameter query;
    private final Parameter gate;
    private final Parameter gateBias;
    private final Parameter feature;
    private final Parameter featureBias;

    private CopyHead(int size, Map<String, NDArray> arrays) {
        this.size = size;
        this.query = parameter(QUERY, arrays);
        this.gate = parameter(GATE, arrays);
        this.gateBias = parameter(GATE_BIAS, arrays);
        this.feature = parameter(FEATURE, arrays);
        this.featureBias = parameter(FEATURE_BIAS, arrays);
    }

    private static Parameter parameter(String name, Map<String, NDArray> arrays) {
        NDArray array = arrays.get(name);
        return Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).optShape(array.getShape())
                .optArray(array).build();
    }

    /** True when {@code config} asks for a copy head. */
    public static boolean wanted(HfConfig config) {
        return config.json().path(CONFIG_KEY).asBoolean(false);
    }

    /** True for the names of the head's tensors (never part of {@code model.safetensors}). */
    public static boolean owns(String tensorName) {
        return tensorName.startsWith("copy_head.");
    }

    /** A freshly initialised head (seeded) over states of width {@code size}, its arrays in {@code manager}. */
    public static CopyHead create(int size, long seed, NDManager manager, DataType type) {
        if (size < 1) {
            throw new IllegalArgumentException("copy head width must be positive, got " + size);
        }
        Random random = new Random(seed ^ 0x5DEECE66DL);
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        arrays.put(QUERY, gaussian(manager, random, new Shape(size, size), 1 / Math.sqrt(size)));
        arrays.put(GATE, gaussian(manager, random, new Shape(1, 2L * size), 0.02));
        arrays.put(GATE_BIAS, EngineArrays.of(manager, new float[] {0f}, new Shape(1)));
        arrays.put(FEATURE, manager.zeros(new Shape(FEATURES, size)));
        arrays.put(FEATURE_BIAS, EngineArrays.of(manager, FEATURE_INIT.clone(), new Shape(FEATURES)));
        arrays.replaceAll((name, array) -> typed(array, type));
        return new CopyHead(size, arrays);
    }

    /**
     * Loads the head saved in {@code folder} ({@value #FILE}) over states of width {@code size}.
     *
     * @throws CheckpointException naming the file when it is missing or holds tensors of the wrong shape
     */
    public static CopyHead load(Path folder, int size, NDManager manager, DataType type) throws IOException {
        Path file = folder.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file, "missing: config.json asks for a copy head (\"" + CONFIG_KEY
                    + "\": true) but the folder has no " + FILE + "; remove the key to load the model without one");
        }
        SafetensorsStore store = SafetensorsStore.open(file);
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        Map<String, Shape> shapes = Map.of(QUERY, new Shape(size, size), GATE, new Shape(1, 2L * size),
                GATE_BIAS, new Shape(1), FEATURE, new Shape(FEATURES, size), FEATURE_BIAS, new Shape(FEATURES));
        try {
            for (String name : List.of(QUERY, GATE, GATE_BIAS)) {
                if (!store.contains(name)) {
                    throw new CheckpointException(file, "missing tensor " + name);
                }
                arrays.put(name, store.load(name, manager, type));
            }
            // Heads saved before the features existed copy as they did: weights zero.
            for (String name : List.of(FEATURE, FEATURE_BIAS)) {
                arrays.put(name, store.contains(name) ? store.load(name, manager, type)
                        : manager.zeros(shapes.get(name), type));
            }
            for (Map.Entry<String, NDArray> e : arrays.entrySet()) {
                if (!e.getValue().getShape().equals(shapes.get(e.getKey()))) {
                    throw new CheckpointException(file, "tensor " + e.getKey() + " has shape " + e.getValue().getShape()
                            + ", expected " + shapes.get(e.getKey()) + " for states of width " + size);
                }
            }
        } catch (IOException | RuntimeException e) {
            arrays.values().forEach(NDArray::close);
            throw e;
        }
        return new CopyHead(size, arrays);
    }

    private static NDArray gaussian(NDManager manager, Random random, Shape shape, double std) {
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * std);
        }
        return EngineArrays.of(manager, values, shape);
    }

    private static NDArray typed(NDArray array, DataType type) {
        if (array.getDataType() == type) {
            return array;
        }
        NDArray converted = array.toType(type, false);
        array.close();
        return converted;
    }

    /** Width of the states the head reads. */
    public int size() {
        return size;
    }

    /** The four trainable parameters, named by their tensor names in {@value #FILE}. */
    public List<Parameter> parameters() {
        return List.of(query, gate, gateBias, feature, featureBias);
    }

    /** Writes {@value #FILE} (float32) into {@code folder}. */
    public void save(Path folder) throws IOException {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        try (NDManager scope = NDManager.newBaseManager(Device.cpu())) {
            for (Parameter p : parameters()) {
                NDArray array = p.getArray().toType(DataType.FLOAT32, true).toDevice(Device.cpu(), true);
                array.attach(scope);
                tensors.put(p.getName(), array);
            }
            SafetensorsWriter.write(folder.resolve(FILE), tensors);
        }
    }

    /**
     * Copy attention log-probabilities {@code [B, T, S]} and the gate's logit {@code [B, T, 1]} (float32) for query
     * states {@code [B, T, D]} over key states {@code [B, S, D]}. {@code keyMask [B, S]} is 1 at prompt tokens and 0
     * elsewhere; {@code features [FEATURES, B, T, S]} (0/1) from {@link #features}. Results join {@code queries}'
     * manager.
     */
    public NDList scores(NDArray queries, NDArray keys, NDArray keyMask, NDArray features) {
        NDArray q = Ops.linear(queries, query.getArray(), null);
        NDArray scores = q.matMul(keys.transpose(0, 2, 1));
        scores = scores.div(EngineArrays.constant(scores, Math.sqrt(size)));
        // sum_k w_k(state) * feature_k: [B, T, S, F] x [B, T, F, 1].
        NDArray weights = Ops.linear(queries, feature.getArray(), featureBias.getArray())
                .toType(scores.getDataType(), false).expandDims(-1);
        scores = scores.add(features.toType(scores.getDataType(), false).transpose(1, 2, 3, 0).matMul(weights)
                .squeeze(-1));
        Shape s = keyMask.getShape();
        NDArray additive = keyMask.toType(DataType.FLOAT32, false).neg().add(1).mul(COPY_MASK)
                .reshape(s.get(0), 1, s.get(1));
        NDArray logAttention = scores.toType(DataType.FLOAT32, false).add(additive).logSoftmax(-1);
        NDArray context = logAttention.exp().toType(keys.getDataType(), false).matMul(keys);
        NDArray gateInput = queries.concat(context, -1);
        NDArray gateLogit = Ops.linear(gateInput, gate.getArray(), gateBias.getArray())
                .toType(DataType.FLOAT32, false);
        return new NDList(logAttention, gateLogit);
    }

    /**
     * {@code log p(y) = log(g p_vocab(y) + (1 - g) p_copy(y))} {@code [B, T]}, summed in log space so that tiny
     * probabilities keep finite gradients: {@code logVocab [B, T, 1]} (log p_vocab of each target),
     * {@code logAttention} and {@code gateLogit} from {@link #scores}, {@code matches [B, T, S]} from
     * {@link #matches}.
     */
    public static NDArray logProbabilities(NDArray logVocab, NDArray logAttention, NDArray matches,
            NDArray gateLogit) {
        Shape shape = logAttention.getShape();
        NDArray logCopy = logSumExp(logAttention.add(matches), 2);
        NDArray logGate = Activation.softPlus(gateLogit.neg()).neg();
        NDArray logNotGate = Activation.softPlus(gateLogit).neg();
        NDArray both = logGate.add(logVocab).concat(logNotGate.add(logCopy), -1);
        return logSumExp(both, 2).reshape(shape.get(0), shape.get(1));
    }

    /** {@code log(sum(exp(x)))} over {@code axis}, kept, stable (the max is a constant for autograd). */
    public static NDArray logSumExp(NDArray x, int axis) {
        NDArray max = x.max(new int[] {axis}, true);
        return x.sub(max).exp().sum(new int[] {axis}, true).log().add(max);
    }

    /**
     * Log-weights {@code [rows, queries, source]} that select the prompt positions holding each target: 0 where
     * source token {@code s} is real and equals {@code targets[r * queries + t]}, {@link #NO_MATCH} elsewhere
     * (everywhere for a target below 0, an uncounted position).
     */
    public static float[] matches(long[] sourceIds, long[] sourceMask, int source, long[] targets, int rows,
            int queries) {
        float[] matches = new float[rows * queries * source];
        Arrays.fill(matches, NO_MATCH);
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < queries; t++) {
                long y = targets[r * queries + t];
                if (y < 0) {
                    continue;
                }
                for (int s = 0; s < source; s++) {
                    if (sourceMask[r * source + s] == 1 && sourceIds[r * source + s] == y) {
                        matches[(r * queries + t) * source + s] = 0f;
                    }
                }
            }
        }
        return matches;
    }

    /**
     * The token-match features {@code [FEATURES, rows, queries, source]} (0/1) of a prompt ({@code sourceIds},
     * {@code sourceMask}, {@code rows x source}). Query {@code t} of row {@code r} has emitted the tokens
     * {@code emitted[r][0 .. n - queries + t + 1)} ({@code n = emitted[r].length}: the last query has emitted them
     * all; {@link #NONE} entries are skipped). Plane 0: prompt token {@code s - 1} is the token emitted last; plane 1:
     * also token {@code s - 2} is the one emitted before it.
     *
     * <p>Why: a name is usually several word pieces, and once the student has copied the first, pointing at the piece
     * that follows it finishes the name, which attention over final states alone learns slowly.
     */
    public static float[] features(long[] sourceIds, long[] sourceMask, int source, long[][] emitted, int rows,
            int queries) {
        float[] features = new float[FEATURES * rows * queries * source];
        int plane = rows * queries * source;
        for (int r = 0; r < rows; r++) {
            long[] history = emitted[r];
            for (int t = 0; t < queries; t++) {
                int end = history.length - queries + t + 1; // exclusive
                long one = end >= 1 ? history[end - 1] : NONE;
                long two = end >= 2 && one != NONE ? history[end - 2] : NONE;
                if (one == NONE) {
                    continue;
                }
                int at = (r * queries + t) * source;
                for (int s = 1; s < source; s++) {
                    int here = r * source + s;
                    if (sourceMask[here] != 1 || sourceMask[here - 1] != 1 || sourceIds[here - 1] != one) {
                        continue;
                    }
                    features[at + s] = 1;
                    if (s >= 2 && two != NONE && sourceMask[here - 2] == 1 && sourceIds[here - 2] == two) {
                        features[plane + at + s] = 1;
                    }
                }
            }
        }
        return features;
    }

    /**
     * One row's next-token log-probabilities for sampling: {@code log(g p_vocab + (1 - g) p_copy + 1e-12)}, with
     * {@code vocab} the LM head's probabilities ({@code vocabSize} from {@code vocabOffset}) and {@code attention}
     * the copy attention over the row's {@code source} prompt positions (from {@code sourceOffset}).
     */
    public static float[] mixedLogProbabilities(float[] vocab, int vocabOffset, int vocabSize, float gate,
            float[] attention, long[] sourceIds, long[] sourceMask, int sourceOffset, int source) {
        float[] mixed = new float[vocabSize];
        for (int v = 0; v < vocabSize; v++) {
            mixed[v] = gate * vocab[vocabOffset + v];
        }
        for (int x = 0; x < source; x++) {
            if (sourceMask[sourceOffset + x] == 1) {
                mixed[(int) sourceIds[sourceOffset + x]] += (1 - gate) * attention[sourceOffset + x];
            }
        }
        for (int v = 0; v < vocabSize; v++) {
            mixed[v] = (float) Math.log(mixed[v] + 1e-12);
        }
        return mixed;
    }

    @Override
    public String toString() {
        return "CopyHead(size=" + size + ")";
    }
}
