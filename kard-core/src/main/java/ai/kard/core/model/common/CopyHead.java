package ai.kard.core.model.common;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.kard.core.checkpoint.CheckpointException;
import ai.kard.core.checkpoint.HfConfig;
import ai.kard.core.checkpoint.SafetensorsStore;
import ai.kard.core.checkpoint.SafetensorsWriter;
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
 * two continuation features with weights read from the query state; the gate {@code g = sigmoid(w · [state, attended context] + b)}.
 *
 * <p>Why: a small student trained from scratch learns very slowly to reproduce, through its vocabulary head, a name
 * it has never seen (an unseen drug in a retrieved passage); pointing at the name's tokens in the prompt is easy.
 * The model's weights stay standard (transformers loads {@code model.safetensors} and ignores the head); the head's
 * four tensors live in {@value #FILE} and the config carries {@code "kard_copy_head": true}.
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
     * Two learnt weights on the continuation features: a prompt position whose previous token is the token just
     * emitted (one back), and whose two previous tokens are the last two emitted (two back).
     */
    static final String CONTINUATION = "copy_head.continuation.weight";
    /** With {@link #CONTINUATION} {@code [2, size]}, the weights read from the query state: {@code W h + b}. */
    static final String CONTINUATION_BIAS = "copy_head.continuation.bias";
    /** Initial continuation weights, in units of the copy attention's scaled dot products. */
    private static final float CONTINUATION_INIT = 2f;
    /** Mask value of the copy attention: finite, so that log-space sums never meet infinities. */
    public static final float COPY_MASK = -1e9f;
    /** Log-weight of a prompt position that does not hold the target token. */
    public static final float NO_MATCH = -1e4f;
    /** A token id meaning "nothing emitted" in {@link #continuations}. */
    public static final long NONE = -1;

    private final int size;
    private final Parameter query;
    private final Parameter gate;
    private final Parameter gateBias;
    private final Parameter continuation;
    private final Parameter continuationBias;

    private CopyHead(int size, Map<String, NDArray> arrays) {
        this.size = size;
        this.query = parameter(QUERY, arrays);
        this.gate = parameter(GATE, arrays);
        this.gateBias = parameter(GATE_BIAS, arrays);
        this.continuation = parameter(CONTINUATION, arrays);
        this.continuationBias = parameter(CONTINUATION_BIAS, arrays);
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
        arrays.put(CONTINUATION, manager.zeros(new Shape(2, size)));
        arrays.put(CONTINUATION_BIAS, EngineArrays.of(manager, new float[] {CONTINUATION_INIT, CONTINUATION_INIT},
                new Shape(2)));
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
                GATE_BIAS, new Shape(1), CONTINUATION, new Shape(2, size), CONTINUATION_BIAS, new Shape(2));
        try {
            for (String name : List.of(QUERY, GATE, GATE_BIAS)) {
                if (!store.contains(name)) {
                    throw new CheckpointException(file, "missing tensor " + name);
                }
                arrays.put(name, store.load(name, manager, type));
            }
            // Heads saved before the continuation features existed copy as they did: weights zero.
            for (String name : List.of(CONTINUATION, CONTINUATION_BIAS)) {
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
        return List.of(query, gate, gateBias, continuation, continuationBias);
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
     * elsewhere; {@code continuations [2, B, T, S]} (0/1) mark the prompt positions that would continue the tokens
     * just emitted (see {@link #continuations}). Results join {@code queries}' manager.
     */
    public NDList scores(NDArray queries, NDArray keys, NDArray keyMask, NDArray continuations) {
        NDArray q = Ops.linear(queries, query.getArray(), null);
        NDArray scores = q.matMul(keys.transpose(0, 2, 1));
        scores = scores.div(EngineArrays.constant(scores, Math.sqrt(size)));
        // sum_k w_k(state) * feature_k: [B, T, S, 2] x [B, T, 2, 1]. The weights are read from the query state, so
        // that the student continues a name in the middle of one and not after "is".
        NDArray weights = Ops.linear(queries, continuation.getArray(), continuationBias.getArray())
                .toType(scores.getDataType(), false).expandDims(-1);
        scores = scores.add(continuations.toType(scores.getDataType(), false).transpose(1, 2, 3, 0).matMul(weights)
                .squeeze(-1));
        Shape s = keyMask.getShape();
        NDArray additive = keyMask.toType(DataType.FLOAT32, false).neg().add(1).mul(COPY_MASK)
                .reshape(s.get(0), 1, s.get(1));
        NDArray logAttention = scores.toType(DataType.FLOAT32, false).add(additive).logSoftmax(-1);
        NDArray context = logAttention.exp().toType(keys.getDataType(), false).matMul(keys);
        NDArray features = queries.concat(context, -1);
        NDArray gateLogit = Ops.linear(features, gate.getArray(), gateBias.getArray())
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
     * The continuation features {@code [2, rows, queries, source]} of a prompt ({@code sourceIds},
     * {@code sourceMask}, {@code rows x source}): {@code [0, r, t, s] = 1} where prompt token {@code s - 1} equals
     * {@code last[r * queries + t]} (the token emitted last before query {@code t}), {@code [1, r, t, s] = 1} where
     * also prompt token {@code s - 2} equals {@code before[...]} (the one emitted before it). {@link #NONE}: nothing
     * emitted. Why: a name is usually several word pieces; once the student has copied the first, pointing at the
     * piece that follows it in the prompt finishes the name, which attention over final states alone learns slowly.
     */
    public static float[] continuations(long[] sourceIds, long[] sourceMask, int source, long[] last, long[] before,
            int rows, int queries) {
        float[] features = new float[2 * rows * queries * source];
        int plane = rows * queries * source;
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < queries; t++) {
                long one = last[r * queries + t];
                if (one == NONE) {
                    continue;
                }
                long two = before[r * queries + t];
                int at = (r * queries + t) * source;
                for (int s = 1; s < source; s++) {
                    int prev = r * source + s - 1;
                    if (sourceMask[prev + 1] != 1 || sourceMask[prev] != 1 || sourceIds[prev] != one) {
                        continue;
                    }
                    features[at + s] = 1;
                    if (s >= 2 && two != NONE && sourceMask[prev - 1] == 1 && sourceIds[prev - 1] == two) {
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
