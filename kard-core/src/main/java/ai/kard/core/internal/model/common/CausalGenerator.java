package ai.kard.core.internal.model.common;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.kard.api.Decoding;
import ai.kard.core.internal.generate.TokenSampler;
import ai.kard.core.internal.model.Dropout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Batched generation for a {@link CausalLanguageModel} (as {@code T5Generator} is T5's): left-padded prompts, HF
 * {@code generate}'s positions, an optional key/value cache, per-row seeded sampling, and the copy head's mixture
 * when the model has one. One instance per call; everything native lives in the call's sub-manager.
 */
final class CausalGenerator {
    private final CausalLanguageModel model;

    CausalGenerator(CausalLanguageModel model) {
        this.model = model;
    }

    /** See {@link CausalLanguageModel#decode}. */
    Decoded decode(List<int[]> prompts, Decoding decoding, DecodeOptions opts) {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("no prompts to generate from");
        }
        int batch = prompts.size();
        int promptLength = 0;
        for (int[] prompt : prompts) {
            if (prompt.length == 0) {
                throw new IllegalArgumentException("empty prompt: a decoder-only model needs at least one token");
            }
            model.checkIds("prompt", prompt, false);
            promptLength = Math.max(promptLength, prompt.length);
        }
        int maxNew = decoding.maxNewTokens();
        model.checkLength(promptLength + maxNew - 1);
        int capacity = promptLength + maxNew;
        int[][] tokens = new int[batch][capacity];
        int[][] mask = new int[batch][capacity];
        for (int b = 0; b < batch; b++) {
            int[] prompt = prompts.get(b);
            int offset = promptLength - prompt.length;
            Arrays.fill(tokens[b], model.padTokenId());
            System.arraycopy(prompt, 0, tokens[b], offset, prompt.length);
            Arrays.fill(mask[b], offset, promptLength, 1);
        }
        Set<Integer> stops = new HashSet<>(model.stopTokenIds());
        stops.addAll(opts.stopTokenIds());
        TokenSampler[] samplers = new TokenSampler[batch];
        List<List<Integer>> generated = new ArrayList<>();
        List<List<float[]>> logitsKept = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
            samplers[b] = new TokenSampler(decoding, b);
            generated.add(new ArrayList<>());
            logitsKept.add(new ArrayList<>());
        }
        boolean[] finished = new boolean[batch];
        long[] realTokens = new long[batch];
        for (int b = 0; b < batch; b++) {
            realTokens[b] = prompts.get(b).length;
        }
        int length = promptLength;
        int steps = 0;
        // The copy head's source: the left-padded prompts; its keys: their final states from the first step.
        long[] sourceIds = new long[batch * promptLength];
        long[] sourceMask = new long[batch * promptLength];
        for (int b = 0; b < batch; b++) {
            for (int s = 0; s < promptLength; s++) {
                sourceIds[b * promptLength + s] = tokens[b][s];
                sourceMask[b * promptLength + s] = mask[b][s];
            }
        }
        try (NoGrad noGrad = new NoGrad(); NDManager call = model.manager().newSubManager()) {
            KvCache cache = opts.useCache() ? new KvCache(call, model.layers()) : null;
            long[][] positions = CausalLanguageModel.generationPositions(mask, capacity);
            NDArray keys = null;
            NDArray keyMask = model.copyHead() == null ? null
                    : call.create(sourceMask, new Shape(batch, promptLength));
            while (steps < maxNew) {
                float[] logits;
                try (NDManager step = call.newSubManager()) {
                    int from = cache == null || steps == 0 ? 0 : length - 1;
                    int width = length - from;
                    int[][] stepIds = new int[batch][];
                    long[] stepPositions = new long[batch * width];
                    for (int b = 0; b < batch; b++) {
                        stepIds[b] = Arrays.copyOfRange(tokens[b], from, length);
                        System.arraycopy(positions[b], from, stepPositions, b * width, width);
                    }
                    NDArray idArray = Ops.ids(step, stepIds, width);
                    NDArray positionArray = step.create(stepPositions, new Shape(batch, width));
                    NDArray additive = Ops.causalMask(step, mask, length, from, width, model.dataType());
                    NDArray states = model.hidden(idArray, positionArray, additive, cache, Dropout.OFF);
                    NDArray last = states.get(":, -1, :");
                    if (model.copyHead() == null) {
                        logits = model.lmHead(last).toType(DataType.FLOAT32, false).toFloatArray();
                    } else {
                        if (keys == null) {
                            // The first step runs over the whole prompt, cached or not: later states never change
                            // these (causal attention), so both modes copy from the same keys.
                            keys = states;
                            keys.attach(call);
                        }
                        logits = copyLogits(step, last, keys, keyMask, sourceIds, sourceMask, generated);
                    }
                }
                int vocab = logits.length / batch;
                boolean allDone = true;
                for (int b = 0; b < batch; b++) {
                    int next = model.padTokenId();
                    if (!finished[b]) {
                        float[] row = Arrays.copyOfRange(logits, b * vocab, (b + 1) * vocab);
                        next = samplers[b].next(row);
                        generated.get(b).add(next);
                        if (opts.keepStepLogits()) {
                            logitsKept.get(b).add(row);
                        }
                        finished[b] = stops.contains(next);
                    }
                    allDone &= finished[b];
                    tokens[b][length] = next;
                    mask[b][length] = 1;
                    // A generated slot is a real token: its position is the number of real tokens before it.
                    positions[b][length] = realTokens[b]++;
                }
                length++;
                steps++;
                if (allDone) {
                    break;
                }
            }
        }
        List<int[]> out = new ArrayList<>(batch);
        List<float[][]> stepLogits = new ArrayList<>(batch);
        for (int b = 0; b < batch; b++) {
            out.add(generated.get(b).stream().mapToInt(Integer::intValue).toArray());
            stepLogits.add(logitsKept.get(b).toArray(new float[0][]));
        }
        return new Decoded(out, finished, stepLogits, steps);
    }

    /**
     * One step's next-token log-probabilities {@code [B * vocab]} with the copy head: the LM head's distribution at
     * the final states {@code last [B, D]} mixed with copying from the prompt ({@code keys [B, S, D]}), the
     * continuation features from the tokens generated so far.
     */
    private float[] copyLogits(NDManager step, NDArray last, NDArray keys, NDArray keyMask, long[] sourceIds,
            long[] sourceMask, List<List<Integer>> generated) {
        int batch = generated.size();
        int source = (int) keys.getShape().get(1);
        long[][] emitted = new long[batch][];
        for (int b = 0; b < batch; b++) {
            emitted[b] = generated.get(b).stream().mapToLong(Integer::longValue).toArray();
        }
        // Ops whose first operand is a key array join the key's manager: lend the keys to this step's manager.
        keys.tempAttach(step);
        keyMask.tempAttach(step);
        NDArray query = last.reshape(batch, 1, last.getShape().get(1));
        NDList copy = model.copyHead().scores(query, keys, keyMask, step.create(CopyHead.features(sourceIds, sourceMask,
                source, emitted, batch, 1), new Shape(CopyHead.FEATURES, batch, 1, source)));
        float[] vocab = model.lmHead(last).toType(DataType.FLOAT32, false).softmax(-1).toFloatArray();
        float[] attention = copy.get(0).exp().toFloatArray();
        float[] gates = Activation.sigmoid(copy.get(1)).toFloatArray();
        int vocabSize = vocab.length / batch;
        float[] logits = new float[vocab.length];
        for (int b = 0; b < batch; b++) {
            float[] mixed = CopyHead.mixedLogProbabilities(vocab, b * vocabSize, vocabSize, gates[b], attention,
                    sourceIds, sourceMask, b * source, source);
            System.arraycopy(mixed, 0, logits, b * vocabSize, vocabSize);
        }
        return logits;
    }

}
