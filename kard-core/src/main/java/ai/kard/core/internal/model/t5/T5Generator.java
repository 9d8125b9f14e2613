package ai.kard.core.internal.model.t5;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.kard.api.Decoding;
import ai.kard.core.internal.generate.TokenSampler;
import ai.kard.core.internal.model.common.NoGrad;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Greedy or sampled decoding for {@link T5Model} (HF {@code generate} semantics): the encoder runs once per prompt,
 * every row starts with the decoder start token, a row that emitted eos receives pad from then on, and decoding
 * stops when every row has finished or after {@code maxNewTokens}.
 *
 * <p>With the cache, each step feeds only the newest token: decoder self-attention keys/values of earlier positions
 * are kept per layer and grown by one position per step, and cross-attention keys/values are computed once from
 * the encoder output.
 * Without it, the whole decoder is recomputed on all tokens at every step.
 *
 * <p>Each call owns a sub-manager of the model's manager and each step a sub-manager of that, so nothing outlives
 * the call; the parameters are only read, so calls may run on several threads at once.
 */
public final class T5Generator {
    private final T5Model model;
    private final T5Config config;

    /**
     * One generation: per row ({@code prompt * samples + sample}) the new tokens up to and including eos, and the
     * logits of each step per row ({@code null} unless recorded).
     */
    public record Result(List<int[]> tokens, List<float[][]> stepLogits, int steps) {
    }

    T5Generator(T5Model model) {
        this.model = model;
        this.config = model.t5Config();
    }

    Result generate(List<int[]> prompts, Decoding decoding, int samples, boolean useCache, boolean recordLogits) {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("no prompts to generate from");
        }
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1, got " + samples);
        }
        model.checkIds(prompts, "prompt");
        try (NoGrad ignored = new NoGrad(); NDManager call = model.manager().newSubManager()) {
            return run(call, prompts, decoding, samples, useCache, recordLogits);
        }
    }

    private Result run(NDManager call, List<int[]> prompts, Decoding decoding, int samples, boolean useCache,
                       boolean recordLogits) {
        Batch batch = Batch.pad(prompts, config.padTokenId(), 0, "prompt");
        int rows = prompts.size() * samples;
        int maxNew = decoding.maxNewTokens();
        NDArray encoderStates;
        NDArray mask;
        try (NDManager scope = call.newSubManager()) {
            NDArray ids = batch.ids(scope);
            NDArray m = batch.mask(scope);
            NDArray states = model.encode(ids, m);
            if (samples > 1) {
                states = states.repeat(0, samples);
                m = m.repeat(0, samples);
            }
            states.attach(call);
            m.attach(call);
            encoderStates = states;
            mask = m;
        }
        // Without padding the cross-attention mask adds zeros: skip it (one op per layer and step).
        boolean padded = Arrays.stream(batch.mask()).anyMatch(m -> m == 0);
        NDArray crossBias = padded ? T5Model.additiveMask(mask) : null;
        T5DecoderCache cache = useCache ? new T5DecoderCache(model, call, encoderStates, maxNew) : null;

        TokenSampler[] samplers = new TokenSampler[rows];
        for (int r = 0; r < rows; r++) {
            samplers[r] = new TokenSampler(decoding, r);
        }
        int[][] generated = new int[rows][maxNew];
        int[] lengths = new int[rows];
        boolean[] finished = new boolean[rows];
        List<float[][]> logitsPerRow = new ArrayList<>();
        if (recordLogits) {
            for (int r = 0; r < rows; r++) {
                logitsPerRow.add(new float[maxNew][]);
            }
        }
        long[][] history = new long[rows][maxNew]; // decoder inputs so far (uncached path)
        long[] last = new long[rows];
        Arrays.fill(last, config.decoderStartTokenId());
        int steps = 0;
        int vocab = config.vocabSize();
        for (int step = 0; step < maxNew; step++) {
            float[] logits;
            try (NDManager scope = call.newSubManager()) {
                NDArray stepLogits;
                if (useCache) {
                    stepLogits = cache.step(scope.create(last, new Shape(rows, 1)), step, crossBias);
                } else {
                    long[] flat = new long[rows * (step + 1)];
                    for (int r = 0; r < rows; r++) {
                        history[r][step] = last[r];
                        System.arraycopy(history[r], 0, flat, r * (step + 1), step + 1);
                    }
                    NDArray inputs = scope.create(flat, new Shape(rows, step + 1));
                    NDArray states = model.decode(inputs, encoderStates, mask);
                    stepLogits = model.head(states.get(new NDIndex(":, {}, :", step)));
                }
                logits = stepLogits.toFloatArray();
            }
            steps++;
            boolean allDone = true;
            for (int r = 0; r < rows; r++) {
                float[] row = Arrays.copyOfRange(logits, r * vocab, (r + 1) * vocab);
                if (recordLogits) {
                    logitsPerRow.get(r)[step] = row;
                }
                int token;
                if (finished[r]) {
                    token = config.padTokenId();
                } else {
                    token = samplers[r].next(row);
                    generated[r][lengths[r]++] = token;
                    finished[r] = token == config.eosTokenId();
                }
                last[r] = token;
                allDone &= finished[r];
            }
            if (allDone) {
                break;
            }
        }
        List<int[]> tokens = new ArrayList<>(rows);
        List<float[][]> recorded = recordLogits ? new ArrayList<>(rows) : null;
        for (int r = 0; r < rows; r++) {
            tokens.add(Arrays.copyOf(generated[r], lengths[r]));
            if (recordLogits) {
                recorded.add(Arrays.copyOf(logitsPerRow.get(r), steps));
            }
        }
        return new Result(tokens, recorded, steps);
    }
}
