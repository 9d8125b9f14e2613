package ai.kard.core.parity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.kard.api.Decoding;
import ai.kard.core.internal.model.registry.ArchitectureRegistry;
import ai.kard.core.model.ModelOptions;
import ai.kard.core.internal.model.t5.T5Generator;
import ai.kard.core.internal.model.t5.T5Model;
import ai.kard.core.internal.model.t5.T5RelativePosition;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * T5 fixtures: bucket tables, encoder states (mask-1 positions), logits, loss, shift-right, and greedy generation
 * (sequences, new tokens, step logits) with and without the KV cache.
 */
final class T5ParityCheck implements ParityCheck {

    @Override
    public void check(Path fixture, JsonNode expected) throws Exception {
        Tolerance tolerance = Tolerance.of(expected);
        JsonNode inputs = expected.path("inputs");
        JsonNode outputs = expected.path("outputs");
        long[][] ids = longs(inputs.path("input_ids"));
        long[][] mask = longs(inputs.path("attention_mask"));
        long[][] labels = longs(inputs.path("labels"));
        long[][] decoderInput = longs(inputs.path("decoder_input_ids"));
        int rows = ids.length;
        int sourceLength = ids[0].length;
        int targetLength = labels[0].length;

        try (T5Model model = (T5Model) ArchitectureRegistry.load(fixture, ModelOptions.cpu());
             NDManager manager = NDManager.newBaseManager()) {
            var c = model.t5Config();
            checkBuckets("encoder", T5RelativePosition.table(0, sourceLength, sourceLength, true, c.numBuckets(),
                    c.maxDistance()), expected.path("debug").path("encoder_relative_position_buckets"));
            checkBuckets("decoder", T5RelativePosition.table(0, targetLength, targetLength, false, c.numBuckets(),
                    c.maxDistance()), expected.path("debug").path("decoder_relative_position_buckets"));

            NDArray idArray = manager.create(flat(ids), new Shape(rows, sourceLength));
            NDArray maskArray = manager.create(flat(mask), new Shape(rows, sourceLength));
            NDArray labelArray = manager.create(flat(labels), new Shape(rows, targetLength));
            NDArray decoderArray = manager.create(flat(decoderInput), new Shape(rows, targetLength));

            float[] states = model.encode(idArray, maskArray).toFloatArray();
            float[] expectedStates = Tolerance.flatten(outputs.path("encoder_last_hidden_state"));
            int dModel = c.dModel();
            tolerance.assertClose("encoder_last_hidden_state (mask-1 positions)", maskedRows(states, mask, dModel),
                    maskedRows(expectedStates, mask, dModel));

            float[] logits = model.logits(idArray, maskArray, decoderArray).toFloatArray();
            tolerance.assertClose("logits", logits, Tolerance.flatten(outputs.path("logits")));

            float loss = model.loss(idArray, maskArray, labelArray).getFloat();
            tolerance.assertClose("loss", new float[] {loss}, new float[] {outputs.path("loss").floatValue()});
        }
        try (T5Model model = (T5Model) ArchitectureRegistry.load(fixture, ModelOptions.cpu())) {
            checkGeneration(model, expected, ids, mask, tolerance);
        }
    }

    /** The pooled cross-entropy of {@code outputs.loss} on the fixture's inputs; every T5 tensor by HF name. */
    @Override
    public GradientSubject gradientSubject(Path fixture, JsonNode expected, JsonNode gradients) throws Exception {
        JsonNode inputs = expected.path("inputs");
        long[][] ids = longs(inputs.path("input_ids"));
        long[][] mask = longs(inputs.path("attention_mask"));
        long[][] labels = longs(inputs.path("labels"));
        T5Model model = (T5Model) ArchitectureRegistry.load(fixture, ModelOptions.cpu());
        Map<String, NDArray> parameters = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : model.block().getParameters()) {
            parameters.put(p.getKey(), p.getValue().getArray());
        }
        return new GradientSubject(model, parameters, manager -> model.loss(
                manager.create(flat(ids), new Shape(ids.length, ids[0].length)),
                manager.create(flat(mask), new Shape(mask.length, mask[0].length)),
                manager.create(flat(labels), new Shape(labels.length, labels[0].length))));
    }

    private static void checkGeneration(T5Model model, JsonNode expected, long[][] ids, long[][] mask,
                                        Tolerance tolerance) {
        JsonNode generation = expected.path("generation");
        List<int[]> prompts = new ArrayList<>();
        for (int r = 0; r < ids.length; r++) {
            int length = (int) Arrays.stream(mask[r]).sum();
            prompts.add(Arrays.stream(ids[r]).limit(length).mapToInt(v -> (int) v).toArray());
        }
        int steps = generation.path("steps").asInt();
        Decoding greedy = Decoding.greedy(generation.path("max_new_tokens").asInt());
        for (boolean cache : new boolean[] {true, false}) {
            String mode = cache ? "with cache" : "without cache";
            T5Generator.Result result = model.generate(prompts, greedy, 1, cache, true);
            if (result.steps() != steps) {
                throw new AssertionError(mode + ": " + result.steps() + " steps, expected " + steps);
            }
            for (int r = 0; r < prompts.size(); r++) {
                int[] expectedTokens = ints(generation.path("new_tokens").get(r));
                if (!Arrays.equals(result.tokens().get(r), expectedTokens)) {
                    throw new AssertionError(mode + ": row " + r + " generated " + Arrays.toString(
                            result.tokens().get(r)) + ", expected " + Arrays.toString(expectedTokens));
                }
                int[] sequence = new int[1 + steps];
                Arrays.fill(sequence, generation.path("pad_token_id").asInt());
                sequence[0] = generation.path("decoder_start_token_id").asInt();
                System.arraycopy(expectedTokens, 0, sequence, 1, expectedTokens.length);
                int[] expectedSequence = ints(generation.path("sequences").get(r));
                if (!Arrays.equals(sequence, expectedSequence)) {
                    throw new AssertionError(mode + ": row " + r + " sequence " + Arrays.toString(sequence)
                            + ", expected " + Arrays.toString(expectedSequence));
                }
                // Finished rows are still computed (with pad as input), as HF does: every step is compared.
                float[] actual = flatten(result.stepLogits().get(r));
                tolerance.assertClose(mode + ": step_logits row " + r, actual,
                        Tolerance.flatten(generation.path("step_logits").get(r)));
            }
        }
    }

    private static void checkBuckets(String stack, long[] actual, JsonNode expected) {
        long[] wanted = flat(longs(expected));
        if (!Arrays.equals(actual, wanted)) {
            for (int i = 0; i < wanted.length; i++) {
                if (actual[i] != wanted[i]) {
                    int width = expected.get(0).size();
                    throw new AssertionError(stack + " bucket [" + i / width + "][" + i % width + "] is "
                            + actual[i] + ", expected " + wanted[i]);
                }
            }
        }
    }

    /** The {@code width}-wide rows of {@code values} ({@code [B][S][width]}) at mask-1 positions. */
    private static float[] maskedRows(float[] values, long[][] mask, int width) {
        int length = mask[0].length;
        float[] out = new float[values.length];
        int n = 0;
        for (int b = 0; b < mask.length; b++) {
            for (int s = 0; s < length; s++) {
                if (mask[b][s] == 1) {
                    System.arraycopy(values, (b * length + s) * width, out, n, width);
                    n += width;
                }
            }
        }
        return Arrays.copyOf(out, n);
    }

    private static float[] flatten(float[][] rows) {
        int total = Arrays.stream(rows).mapToInt(r -> r.length).sum();
        float[] out = new float[total];
        int n = 0;
        for (float[] row : rows) {
            System.arraycopy(row, 0, out, n, row.length);
            n += row.length;
        }
        return out;
    }

    private static long[][] longs(JsonNode matrix) {
        long[][] out = new long[matrix.size()][];
        for (int i = 0; i < out.length; i++) {
            JsonNode row = matrix.get(i);
            out[i] = new long[row.size()];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = row.get(j).asLong();
            }
        }
        return out;
    }

    private static int[] ints(JsonNode row) {
        int[] out = new int[row.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = row.get(i).asInt();
        }
        return out;
    }

    private static long[] flat(long[][] matrix) {
        return Arrays.stream(matrix).flatMapToLong(Arrays::stream).toArray();
    }
}
