package ai.kard.core.internal.model.t5;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.kard.api.Decoding;
import ai.kard.core.internal.checkpoint.HfConfig;
import ai.kard.core.internal.generate.TokenSampler;
import ai.kard.core.internal.model.Dropout;
import ai.kard.core.internal.model.LanguageModel;
import ai.kard.core.internal.model.common.CopyHead;
import ai.kard.core.internal.model.common.EngineArrays;
import ai.kard.core.internal.model.common.NoGrad;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A T5 with a copy head (pointer-generator, See et al. 2017): at each target position the output distribution
 * mixes the LM head's vocabulary distribution with an attention distribution over the prompt's tokens,
 * {@code p = g * p_vocab + (1 - g) * sum_s a_s [x_s = y]}, where {@code a} attends from the decoder's final
 * state to the encoder's final states and the gate {@code g} reads the decoder state and the attended context.
 *
 * <p>Why: a small student trained from scratch learns very slowly to reproduce, through its vocabulary head, a
 * name it has never seen (an unseen drug in a retrieved passage); pointing at the name's tokens in the prompt is
 * easy. The T5 weights stay standard (transformers loads {@code model.safetensors} and ignores the head); the
 * head ({@link CopyHead}: parameters and math, shared with the decoder-only students) lives in {@value #FILE} and
 * the config carries {@code "kard_copy_head": true}.
 *
 * <p>Generation runs the decoder on the newest token only ({@link T5DecoderCache}, as plain T5 generation does).
 */
public final class T5CopyModel implements LanguageModel {
    /** The config key that asks for a copy head. */
    public static final String CONFIG_KEY = CopyHead.CONFIG_KEY;
    /** The head's weights, next to {@code model.safetensors}. */
    public static final String FILE = CopyHead.FILE;
    private static final long IGNORE = -100;

    private final T5Model t5;
    private final CopyHead head;
    private final HeadBlock block;

    private T5CopyModel(T5Model t5, CopyHead head) {
        this.t5 = t5;
        this.head = head;
        this.block = new HeadBlock(t5.block(), head.parameters());
    }

    /** True when {@code config} asks for a copy head. */
    public static boolean wanted(HfConfig config) {
        return CopyHead.wanted(config);
    }

    /** Adds a freshly initialised head (seeded) to {@code t5}; the wrapper owns {@code t5}. */
    public static T5CopyModel create(T5Model t5, long seed) {
        return new T5CopyModel(t5, CopyHead.create(t5.t5Config().dModel(), seed, t5.manager(), t5.dataType()));
    }

    /** Adds the head saved in {@code folder} to {@code t5}; the wrapper owns {@code t5}. */
    public static T5CopyModel load(T5Model t5, Path folder) throws IOException {
        return new T5CopyModel(t5, CopyHead.load(folder, t5.t5Config().dModel(), t5.manager(), t5.dataType()));
    }

    /**
     * {@code t5} with its copy head when its config asks for one ({@link CopyHead#wanted}), as every architecture
     * wires it: created (seeded) when {@code folder} is null (a model built from scratch), else loaded from
     * {@code folder}'s {@value #FILE}. Other models are returned as they are; the wrapper owns {@code t5}.
     *
     * @throws ai.kard.core.checkpoint.CheckpointException naming the head file when the config asks for a head
     *     that {@code folder} lacks
     */
    static LanguageModel withCopyHeadIfWanted(T5Model t5, Path folder, long seed) throws IOException {
        if (!wanted(t5.config())) {
            return t5;
        }
        try {
            return folder == null ? create(t5, seed) : load(t5, folder);
        } catch (IOException | RuntimeException e) {
            t5.close();
            throw e;
        }
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

    /**
     * The copy head's token-match features ({@link CopyHead#features}) for a decoder input {@code decoderInput}
     * ({@code rows x length}, the start token first), for its last {@code queries} positions: position {@code t}
     * has emitted decoder inputs {@code 1..t}.
     */
    private float[] features(Batch input, long[] decoderInput, int rows, int length, int queries) {
        return features(input, decoderInput, rows, length, queries, t5.t5Config().decoderStartTokenId(),
                padTokenId());
    }

    static float[] features(Batch input, long[] decoderInput, int rows, int length, int queries, long start,
            long pad) {
        long[][] emitted = new long[rows][Math.max(0, length - 1)];
        for (int r = 0; r < rows; r++) {
            for (int t = 1; t < length; t++) {
                long token = decoderInput[r * length + t];
                emitted[r][t - 1] = token == start || token == pad ? CopyHead.NONE : token;
            }
        }
        return CopyHead.features(input.ids(), input.mask(), input.width(), emitted, rows, queries);
    }

    @Override
    public NDArray loss(NDManager manager, List<int[]> prompts, List<int[]> targets, Dropout dropout) {
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
            long[] matched = new long[flat.length];
            Arrays.fill(matched, -1);
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
                    matched[r * length + t] = y;
                    counted++;
                }
            }
            NDArray ids = EngineArrays.owned(input.ids(scope));
            NDArray mask = EngineArrays.owned(input.mask(scope));
            long[] shifted = t5.shiftRight(flat, rows, length);
            NDArray decoderInput = EngineArrays.owned(scope.create(shifted, new Shape(rows, length)));
            NDArray features = EngineArrays.owned(scope.create(features(input, shifted, rows, length, length),
                    new Shape(CopyHead.FEATURES, rows, length, source)));
            // Dropout inside the T5 only, where HF applies it; the copy head (no HF counterpart) adds none and reads
            // the dropped-out final states, as the LM head does.
            NDArray encoded = t5.encode(ids, mask, dropout);
            NDArray decoded = t5.decode(decoderInput, encoded, mask, dropout);
            // log p = log(g p_vocab + (1 - g) p_copy), summed in log space so that tiny probabilities keep
            // finite gradients.
            NDArray logVocab = t5.head(decoded).logSoftmax(-1)
                    .gather(EngineArrays.owned(scope.create(targetIds, new Shape(rows, length, 1))), 2);
            NDList copy = head.scores(decoded, encoded, mask, features);
            NDArray matches = EngineArrays.of(scope, CopyHead.matches(input.ids(), input.mask(), source, matched, rows,
                    length), new Shape(rows, length, source));
            NDArray logP = CopyHead.logProbabilities(logVocab, copy.get(0), matches, copy.get(1));
            NDArray sum = logP.mul(EngineArrays.owned(scope.create(weights, new Shape(rows, length)))).sum().neg();
            return sum.div(EngineArrays.constant(sum, counted));
        }
    }

    /**
     * The loss path's output distribution at each position of {@code target} after {@code prompt} (teacher forcing):
     * {@code [target.length][vocab]} log-probabilities of the mixed vocabulary and copy distribution, as generation
     * samples from. For diagnostics, and for checking that cached generation follows the distribution training
     * shapes.
     */
    float[][] teacherForcedLogProbabilities(int[] prompt, int[] target) {
        int vocabSize = t5.t5Config().vocabSize();
        try (NoGrad ignored = new NoGrad(); NDManager m = t5.manager().newSubManager()) {
            Batch input = Batch.pad(List.of(prompt), padTokenId(), 0, "prompt");
            int source = input.width();
            int length = target.length;
            long[] labels = Arrays.stream(target).asLongStream().toArray();
            long[] shifted = t5.shiftRight(labels, 1, length);
            NDArray mask = input.mask(m);
            NDArray encoded = t5.encode(input.ids(m), mask);
            NDArray decoded = t5.decode(m.create(shifted, new Shape(1, length)), encoded, mask);
            float[] vocab = t5.head(decoded).softmax(-1).toFloatArray();
            NDList copy = head.scores(decoded, encoded, mask, m.create(features(input, shifted, 1, length, length),
                    new Shape(CopyHead.FEATURES, 1, length, source)));
            float[] attention = copy.get(0).exp().toFloatArray();
            float[] gates = Activation.sigmoid(copy.get(1)).toFloatArray();
            float[][] out = new float[length][];
            for (int t = 0; t < length; t++) {
                out[t] = CopyHead.mixedLogProbabilities(vocab, t * vocabSize, vocabSize, gates[t],
                        Arrays.copyOfRange(attention, t * source, (t + 1) * source), input.ids(), input.mask(), 0,
                        source);
            }
            return out;
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
        long[] last = new long[rows];
        Arrays.fill(last, t5.t5Config().decoderStartTokenId());
        try (NoGrad ignored = new NoGrad(); NDManager m = t5.manager().newSubManager()) {
            NDArray mask = input.mask(m);
            NDArray encoded = t5.encode(input.ids(m), mask);
            boolean padded = Arrays.stream(input.mask()).anyMatch(v -> v == 0);
            NDArray crossBias = padded ? T5Model.additiveMask(mask) : null;
            T5DecoderCache cache = new T5DecoderCache(t5, m, encoded, max);
            for (int step = 0; step < max; step++) {
                float[] vocab;
                float[] attention;
                float[] gates;
                try (NDManager s = m.newSubManager()) {
                    // Borrowed for the step, so that what the copy head derives from them is freed with it.
                    encoded.tempAttach(s);
                    mask.tempAttach(s);
                    // The decoder runs on the newest token only (cached); the copy head needs the whole history for
                    // its continuation features, which finished rows extend with pad as the cache does.
                    long[] prefix = new long[rows * (step + 1)];
                    for (int r = 0; r < rows; r++) {
                        prefix[r * (step + 1)] = t5.t5Config().decoderStartTokenId();
                        for (int t = 0; t < step; t++) {
                            prefix[r * (step + 1) + t + 1] = out[r][t];
                        }
                    }
                    NDArray decoded = cache.states(s.create(last, new Shape(rows, 1)), step, crossBias);
                    vocab = t5.head(decoded).softmax(-1).toFloatArray();
                    float[] features = features(input, prefix, rows, step + 1, 1);
                    NDList copy = head.scores(decoded, encoded, mask,
                            s.create(features, new Shape(CopyHead.FEATURES, rows, 1, source)));
                    attention = copy.get(0).exp().toFloatArray();
                    gates = Activation.sigmoid(copy.get(1)).toFloatArray();
                }
                boolean all = true;
                for (int r = 0; r < rows; r++) {
                    if (done[r]) {
                        last[r] = padTokenId();
                        continue;
                    }
                    float[] mixed = CopyHead.mixedLogProbabilities(vocab, r * vocabSize, vocabSize, gates[r], attention,
                            input.ids(), input.mask(), r * source, source);
                    int next = samplers[r].next(mixed);
                    last[r] = next;
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
        head.save(folder);
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
