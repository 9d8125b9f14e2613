package ai.kard.core.internal.model.common;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.kard.api.Decoding;
import ai.kard.core.internal.checkpoint.HfConfig;
import ai.kard.core.internal.checkpoint.SafetensorsWriter;
import ai.kard.core.internal.model.Dropout;
import ai.kard.core.internal.model.LanguageModel;
import ai.kard.core.model.ModelOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A decoder-only causal language model (Llama, Qwen2, OPT, GPT-2): the causal-LM loss, left-padded batched
 * generation with a key/value cache, and HF-layout saving. Architectures implement {@link #hidden} and
 * {@link #lmHead} on the weights of their {@link ParameterBlock}.
 *
 * <p>With {@code "kard_copy_head": true} in the config the model has a {@link CopyHead}: {@link #loss} and
 * {@link #generate} then mix the LM head's distribution with copying from the prompt (keys: the final states at
 * prompt positions; query: the final state that predicts each token); {@link #logits} and {@link #causalLoss}
 * stay the plain LM head's.
 *
 * <p>Every call works in its own sub-manager of the model's manager and closes it before returning, so calls
 * leave no native arrays behind and {@link #generate} may run on many threads at once.
 */
public abstract class CausalLanguageModel implements LanguageModel {
    /** HF's label value for positions that do not count in the loss. */
    public static final int IGNORE = -100;

    private final HfConfig config;
    private final ModelOptions options;
    private final NDManager manager;
    private final ParameterBlock block;
    private final int eosTokenId;
    private final int padTokenId;
    private final Set<Integer> stopTokenIds;
    private final String modelType;
    /** Set at most once, right after construction ({@link #withCopyHeadIfWanted}); null without a head. */
    private CopyHead copyHead;

    protected CausalLanguageModel(HfConfig config, ModelOptions options, NDManager manager, ParameterBlock block,
            int eosTokenId, int padTokenId, Set<Integer> extraStopTokenIds) {
        this.config = config;
        this.options = options;
        this.manager = manager;
        this.block = block;
        this.eosTokenId = eosTokenId;
        this.padTokenId = padTokenId;
        Set<Integer> stops = new HashSet<>(extraStopTokenIds);
        stops.add(eosTokenId);
        this.stopTokenIds = Set.copyOf(stops);
        this.modelType = config.json().path("model_type").asText();
    }

    /**
     * Final hidden states {@code [B, T, D]} (after the final norm and any output projection) for int64
     * {@code ids [B, T]} at int64 {@code positions [B, T]} under the additive {@code mask [B, 1, 1, T, S]}. With a
     * cache, this step's keys/values are appended to it and the queries see all {@code S} cached keys.
     * {@code dropout} is applied where the architecture's HF model applies it ({@link Dropout#OFF} for
     * inference and generation).
     */
    protected abstract NDArray hidden(NDArray ids, NDArray positions, NDArray mask, KvCache cache, Dropout dropout);

    /** Vocabulary logits for hidden states {@code [..., D]}. */
    protected abstract NDArray lmHead(NDArray hidden);

    protected abstract int layers();

    /** Width of the final states {@link #hidden} returns (the LM head's input). */
    protected abstract int stateSize();

    /** Rows of the LM head: valid ids are {@code [0, vocabSize)}. */
    public abstract int vocabSize();

    /** Positions beyond this raise an error (learned position tables); {@link Integer#MAX_VALUE} for RoPE. */
    protected int maxPositions() {
        return Integer.MAX_VALUE;
    }

    /**
     * Positions of a plain (training) forward over a right-padded batch: HF's default {@code 0..L-1} for every
     * row. OPT overrides this with its mask-derived rule.
     */
    protected long[][] forwardPositions(int[][] mask, int length) {
        long[][] positions = new long[mask.length][length];
        for (long[] row : positions) {
            for (int t = 0; t < length; t++) {
                row[t] = t;
            }
        }
        return positions;
    }

    /** HF {@code generate}'s positions: {@code cumsum(mask) - 1}, with 1 at pad slots. */
    public static long[][] generationPositions(int[][] mask, int length) {
        long[][] positions = new long[mask.length][length];
        for (int b = 0; b < mask.length; b++) {
            long seen = 0;
            for (int t = 0; t < length; t++) {
                seen += mask[b][t];
                positions[b][t] = mask[b][t] == 1 ? seen - 1 : 1;
            }
        }
        return positions;
    }

    /**
     * {@code model} with its copy head when its config asks for one ({@link CopyHead#wanted}): created (seeded)
     * when {@code folder} is null (a model built from scratch), else loaded from {@code folder}'s
     * {@value CopyHead#FILE}. Other models are returned as they are. Architectures call this when they build.
     *
     * @throws ai.kard.core.checkpoint.CheckpointException naming the head file when the config asks for a head
     *     that {@code folder} lacks
     */
    public static <M extends CausalLanguageModel> M withCopyHeadIfWanted(M model, Path folder, long seed)
            throws IOException {
        CausalLanguageModel self = model; // private fields are not members of the type variable M
        if (!CopyHead.wanted(self.config)) {
            return model;
        }
        if (self.copyHead != null) {
            throw new IllegalStateException(model + " already has a copy head");
        }
        CopyHead head = folder == null
                ? CopyHead.create(self.stateSize(), seed, self.manager, self.dataType())
                : CopyHead.load(folder, self.stateSize(), self.manager, self.dataType());
        head.parameters().forEach(self.block::add);
        self.copyHead = head;
        return model;
    }

    /** True when the model mixes in a {@link CopyHead}. */
    public boolean hasCopyHead() {
        return copyHead != null;
    }

    @Override
    public HfConfig config() {
        return config;
    }

    @Override
    public boolean isEncoderDecoder() {
        return false;
    }

    @Override
    public Block block() {
        return block;
    }

    protected ParameterBlock weights() {
        return block;
    }

    @Override
    public Device device() {
        return options.device();
    }

    @Override
    public DataType dataType() {
        return options.dataType();
    }

    @Override
    public int eosTokenId() {
        return eosTokenId;
    }

    @Override
    public int padTokenId() {
        return padTokenId;
    }

    /** Ids that end a generated row by default: eos plus the config's other eos ids. */
    public Set<Integer> stopTokenIds() {
        return stopTokenIds;
    }

    /** The model's manager: parameters only. For tests that check nothing else accumulates there. */
    public NDManager manager() {
        return manager;
    }

    // ---------------------------------------------------------------- forward and loss

    /** Logits {@code [B, L, vocab]} of a plain forward (right-padded {@code ids}, {@code mask}), in {@code target}. */
    public NDArray logits(NDManager target, int[][] ids, int[][] mask) {
        int length = width(ids);
        for (int b = 0; b < ids.length; b++) {
            checkIds("row " + b, ids[b], false);
        }
        try (NoGrad noGrad = new NoGrad(); NDManager scope = manager.newSubManager()) {
            NDArray idArray = Ops.ids(scope, ids, length);
            NDArray positions = scope.create(flatten(forwardPositions(mask, length)), new Shape(ids.length, length));
            NDArray additive = Ops.causalMask(scope, mask, length, 0, length, dataType());
            NDArray logits = lmHead(hidden(idArray, positions, additive, null, Dropout.OFF));
            logits.attach(target);
            return logits;
        }
    }

    /**
     * HF's causal-LM loss: {@code logits[:, t]} predicts {@code labels[:, t+1]}; cross-entropy pooled over every
     * label that is not {@value #IGNORE}. Only the positions that predict a counted label go through the LM head.
     */
    public NDArray causalLoss(NDManager target, int[][] ids, int[][] mask, int[][] labels) {
        return causalLoss(target, ids, mask, labels, Dropout.OFF);
    }

    /** As {@link #causalLoss(NDManager, int[][], int[][], int[][])} with {@code dropout} (the training loss). */
    public NDArray causalLoss(NDManager target, int[][] ids, int[][] mask, int[][] labels, Dropout dropout) {
        int length = width(ids);
        int batch = ids.length;
        for (int b = 0; b < batch; b++) {
            checkIds("row " + b, ids[b], false);
            checkIds("labels of row " + b, labels[b], true);
        }
        List<Long> rows = new ArrayList<>();
        List<Long> expected = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t + 1 < length; t++) {
                int label = labels[b][t + 1];
                if (label != IGNORE) {
                    rows.add((long) b * length + t);
                    expected.add((long) label);
                }
            }
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no target tokens to score: every label is " + IGNORE);
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray hidden = trainingStates(scope, ids, mask, batch, length, dropout);
            NDArray flat = hidden.reshape(batch * (long) length, hidden.getShape().get(2));
            NDArray picked = flat.get(EngineArrays.owned(scope.create(rows.stream().mapToLong(Long::longValue).toArray())));
            NDArray logProbs = lmHead(picked).toType(DataType.FLOAT32, false).logSoftmax(-1);
            NDArray labelArray = EngineArrays.owned(scope.create(expected.stream().mapToLong(Long::longValue).toArray())
                    .reshape(rows.size(), 1));
            NDArray sum = logProbs.gather(labelArray, 1).sum().neg();
            NDArray loss = sum.div(EngineArrays.constant(sum, rows.size()));
            loss.attach(target);
            return loss;
        }
    }

    /** Causal-LM loss on {@code prompt + target} rows, right-padded, counting only target tokens. */
    /** Final states {@code [batch, length, D]} of a right-padded training batch, in {@code scope}. */
    private NDArray trainingStates(NDManager scope, int[][] ids, int[][] mask, int batch, int length,
            Dropout dropout) {
        NDArray idArray = Ops.ids(scope, ids, length);
        NDArray positions = EngineArrays.owned(scope.create(flatten(forwardPositions(mask, length)),
                new Shape(batch, length)));
        NDArray additive = Ops.causalMask(scope, mask, length, 0, length, dataType());
        return hidden(idArray, positions, additive, null, dropout);
    }

    @Override
    public NDArray loss(NDManager target, List<int[]> prompts, List<int[]> targets, Dropout dropout) {
        if (prompts.size() != targets.size() || prompts.isEmpty()) {
            throw new IllegalArgumentException("need as many prompts as targets (and at least one), got "
                    + prompts.size() + " and " + targets.size());
        }
        int batch = prompts.size();
        int length = 0;
        for (int b = 0; b < batch; b++) {
            if (targets.get(b).length == 0) {
                throw new IllegalArgumentException("target " + b + " is empty; targets end with eos");
            }
            if (prompts.get(b).length == 0) {
                throw new IllegalArgumentException("prompt " + b + " is empty: a decoder-only model needs at least"
                        + " one prompt token (a bos) to predict the first target token");
            }
            length = Math.max(length, prompts.get(b).length + targets.get(b).length);
        }
        checkLength(length);
        int[][] ids = new int[batch][length];
        int[][] mask = new int[batch][length];
        int[][] labels = new int[batch][length];
        for (int b = 0; b < batch; b++) {
            int[] prompt = prompts.get(b);
            int[] answer = targets.get(b);
            Arrays.fill(ids[b], padTokenId);
            Arrays.fill(labels[b], IGNORE);
            System.arraycopy(prompt, 0, ids[b], 0, prompt.length);
            System.arraycopy(answer, 0, ids[b], prompt.length, answer.length);
            System.arraycopy(answer, 0, labels[b], prompt.length, answer.length);
            Arrays.fill(mask[b], 0, prompt.length + answer.length, 1);
        }
        return copyHead == null ? causalLoss(target, ids, mask, labels, dropout)
                : copyLoss(target, prompts, targets, ids, mask, dropout);
    }

    /**
     * The loss with the copy head, computed as {@code T5CopyModel}'s on a target-major grid {@code [B, T]}: query
     * {@code (b, j)} is the final state at position {@code prompt_b - 1 + j} (it predicts target token {@code j}),
     * keys are the final states at the prompt positions {@code [0, prompt_b)}; later positions are masked. Target
     * token {@code j} was preceded by targets {@code j - 1} and {@code j - 2} (the continuation features; the
     * prompt's last token does not count as emitted, as T5's start token does not).
     */
    private NDArray copyLoss(NDManager target, List<int[]> prompts, List<int[]> targets, int[][] ids, int[][] mask,
            Dropout dropout) {
        int batch = ids.length;
        int length = ids[0].length;
        for (int b = 0; b < batch; b++) {
            checkIds("row " + b, ids[b], false);
        }
        int source = 0;
        int steps = 0;
        for (int b = 0; b < batch; b++) {
            source = Math.max(source, prompts.get(b).length);
            steps = Math.max(steps, targets.get(b).length);
        }
        long[] sourceIds = new long[batch * source];
        long[] sourceMask = new long[batch * source];
        long[] queryRows = new long[batch * steps];
        long[] targetIds = new long[batch * steps];
        long[] matched = new long[batch * steps];
        long[][] emitted = new long[batch][Math.max(0, steps - 1)];
        float[] weights = new float[batch * steps];
        Arrays.fill(sourceIds, padTokenId);
        Arrays.fill(matched, CopyHead.NONE);
        for (long[] row : emitted) {
            Arrays.fill(row, CopyHead.NONE);
        }
        for (int b = 0; b < batch; b++) {
            int[] prompt = prompts.get(b);
            int[] answer = targets.get(b);
            for (int s = 0; s < prompt.length; s++) {
                sourceIds[b * source + s] = prompt[s];
                sourceMask[b * source + s] = 1;
            }
            for (int j = 0; j < steps; j++) {
                int at = b * steps + j;
                // Padding queries read a real state (finite everywhere) and weigh nothing.
                queryRows[at] = (long) b * length + prompt.length - 1 + Math.min(j, answer.length - 1);
                if (j < answer.length) {
                    targetIds[at] = answer[j];
                    matched[at] = answer[j];
                    weights[at] = 1;
                    if (j < steps - 1) {
                        emitted[b][j] = answer[j];
                    }
                }
            }
        }
        int counted = 0;
        for (int[] answer : targets) {
            counted += answer.length;
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray hidden = trainingStates(scope, ids, mask, batch, length, dropout);
            long width = hidden.getShape().get(2);
            NDArray queries = hidden.reshape(batch * (long) length, width)
                    .get(EngineArrays.of(scope, queryRows, new Shape(batch * (long) steps)))
                    .reshape(batch, steps, width);
            NDArray keys = hidden.get(new NDIndex(":, :{}, :", source));
            NDArray logVocab = lmHead(queries).toType(DataType.FLOAT32, false).logSoftmax(-1)
                    .gather(EngineArrays.of(scope, targetIds, new Shape(batch, steps, 1)), 2);
            NDList copy = copyHead.scores(queries, keys, EngineArrays.of(scope, sourceMask, new Shape(batch, source)),
                    EngineArrays.of(scope, CopyHead.features(sourceIds, sourceMask, source, emitted, batch, steps),
                            new Shape(CopyHead.FEATURES, batch, steps, source)));
            NDArray matches = EngineArrays.of(scope, CopyHead.matches(sourceIds, sourceMask, source, matched, batch,
                    steps), new Shape(batch, steps, source));
            NDArray logP = CopyHead.logProbabilities(logVocab, copy.get(0), matches, copy.get(1));
            NDArray sum = logP.mul(EngineArrays.of(scope, weights, new Shape(batch, steps))).sum().neg();
            NDArray loss = sum.div(EngineArrays.constant(sum, counted));
            loss.attach(target);
            return loss;
        }
    }

    // ---------------------------------------------------------------- generation

    @Override
    public List<List<int[]>> generate(List<int[]> prompts, Decoding decoding, int samples) {
        return generate(prompts, decoding, samples, DecodeOptions.defaults());
    }

    /**
     * As {@link #generate(List, Decoding, int)} with extra options (stop tokens, cache on/off). Tokens are returned
     * without their final stop token.
     */
    public List<List<int[]>> generate(List<int[]> prompts, Decoding decoding, int samples, DecodeOptions opts) {
        if (samples <= 0) {
            throw new IllegalArgumentException("samples must be positive, got " + samples);
        }
        int runs = decoding.sample() ? samples : 1;
        List<int[]> rows = new ArrayList<>(prompts.size() * runs);
        for (int[] prompt : prompts) {
            for (int s = 0; s < runs; s++) {
                rows.add(prompt);
            }
        }
        Decoded decoded = decode(rows, decoding, opts);
        List<List<int[]>> result = new ArrayList<>(prompts.size());
        for (int p = 0; p < prompts.size(); p++) {
            List<int[]> perPrompt = new ArrayList<>(samples);
            for (int s = 0; s < samples; s++) {
                int row = p * runs + (decoding.sample() ? s : 0);
                int[] tokens = decoded.tokens().get(row);
                perPrompt.add(decoded.stopped()[row] ? Arrays.copyOf(tokens, tokens.length - 1) : tokens.clone());
            }
            result.add(perPrompt);
        }
        return result;
    }

    /**
     * Generates for each (unpadded) prompt row in one left-padded batch ({@link CausalGenerator}). Positions follow
     * HF {@code generate} ({@link #generationPositions}); finished rows are fed the pad token until every row stopped
     * or {@code decoding.maxNewTokens()} steps ran. Row {@code r} samples from its own seeded stream {@code r}.
     */
    public Decoded decode(List<int[]> prompts, Decoding decoding, DecodeOptions opts) {
        return new CausalGenerator(this).decode(prompts, decoding, opts);
    }

    /** The copy head, or null without one. */
    CopyHead copyHead() {
        return copyHead;
    }

    void checkLength(int longest) {
        if (longest > maxPositions()) {
            throw new IllegalArgumentException("sequence of " + longest + " tokens exceeds the model's "
                    + maxPositions() + " positions (" + modelType + ")");
        }
    }

    // ---------------------------------------------------------------- saving

    /** The tensors to save, by HF name, in the order HF lists them. Default: every parameter. */
    protected Map<String, NDArray> tensorsToSave() {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        for (Pair<String, Parameter> entry : block.getParameters()) {
            if (CopyHead.owns(entry.getValue().getName())) {
                continue;
            }
            tensors.put(entry.getValue().getName(), entry.getValue().getArray());
        }
        return tensors;
    }

    @Override
    public void save(Path folder) throws IOException {
        Files.createDirectories(folder);
        Map<String, NDArray> tensors = tensorsToSave();
        if (dataType() == DataType.FLOAT32) {
            SafetensorsWriter.write(folder.resolve("model.safetensors"), tensors);
        } else {
            try (NDManager scope = manager.newSubManager()) {
                Map<String, NDArray> widened = new LinkedHashMap<>();
                tensors.forEach((name, array) -> {
                    NDArray copy = array.toType(DataType.FLOAT32, true);
                    copy.attach(scope);
                    widened.put(name, copy);
                });
                SafetensorsWriter.write(folder.resolve("model.safetensors"), widened);
            }
        }
        if (copyHead != null) {
            copyHead.save(folder);
        }
        config.with("torch_dtype", "float32").write(folder);
    }

    @Override
    public void close() {
        manager.close();
    }

    void checkIds(String what, int[] ids, boolean allowIgnore) {
        int vocab = vocabSize();
        for (int i = 0; i < ids.length; i++) {
            int id = ids[i];
            if ((id < 0 || id >= vocab) && !(allowIgnore && id == IGNORE)) {
                throw new IllegalArgumentException(what + " position " + i + ": token id " + id
                        + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
    }

    private static int width(int[][] ids) {
        if (ids.length == 0) {
            throw new IllegalArgumentException("empty batch");
        }
        int length = ids[0].length;
        for (int[] row : ids) {
            if (row.length != length) {
                throw new IllegalArgumentException("rows must be padded to one length: " + row.length + " vs "
                        + length);
            }
        }
        return length;
    }

    private static long[] flatten(long[][] rows) {
        int width = rows.length == 0 ? 0 : rows[0].length;
        long[] flat = new long[rows.length * width];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, flat, r * width, width);
        }
        return flat;
    }
}
