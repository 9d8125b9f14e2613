package ai.kard.core.parity;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.kard.api.Decoding;
import ai.kard.core.internal.model.registry.ArchitectureRegistry;
import ai.kard.core.internal.model.LanguageModel;
import ai.kard.core.model.ModelOptions;
import ai.kard.core.internal.model.common.CausalLanguageModel;
import ai.kard.core.internal.model.common.DecodeOptions;
import ai.kard.core.internal.model.common.Decoded;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decoder-only fixtures (Llama, Qwen2, OPT, GPT-2): logits and pooled loss of the right-padded forward, the
 * prompt positions of generation, and greedy generation (sequences, new tokens, step logits) with and without
 * the key/value cache.
 */
final class CausalLmParityCheck implements ParityCheck {

    @Override
    public void check(Path fixture, JsonNode expected) throws Exception {
        Tolerance tolerance = Tolerance.of(expected);
        String name = fixture.getFileName().toString();
        try (LanguageModel loaded = ArchitectureRegistry.load(fixture, ModelOptions.cpu());
                NDManager manager = NDManager.newBaseManager()) {
            assertThat(loaded).isInstanceOf(CausalLanguageModel.class);
            CausalLanguageModel model = (CausalLanguageModel) loaded;
            JsonNode inputs = expected.path("inputs");
            int[][] ids = ints(inputs.path("input_ids"));
            int[][] mask = ints(inputs.path("attention_mask"));
            int[][] labels = ints(inputs.path("labels"));

            NDArray logits = model.logits(manager, ids, mask);
            tolerance.assertClose(name + " logits", logits.toFloatArray(),
                    Tolerance.flatten(expected.path("outputs").path("logits")));
            NDArray loss = model.causalLoss(manager, ids, mask, labels);
            tolerance.assertClose(name + " loss", new float[] {loss.getFloat()},
                    new float[] {expected.path("outputs").path("loss").floatValue()});

            JsonNode gen = expected.path("generation");
            int[][] promptIds = ints(gen.path("input_ids"));
            int[][] promptMask = ints(gen.path("attention_mask"));
            long[][] positions = CausalLanguageModel.generationPositions(promptMask, promptIds[0].length);
            int[][] expectedPositions = ints(gen.path("position_ids"));
            for (int b = 0; b < positions.length; b++) {
                for (int t = 0; t < positions[b].length; t++) {
                    assertThat(positions[b][t]).as("%s generation position [%d][%d]", name, b, t)
                            .isEqualTo(expectedPositions[b][t]);
                }
            }
            assertThat(model.eosTokenId()).isEqualTo(gen.path("eos_token_id").intValue());
            assertThat(model.padTokenId()).isEqualTo(gen.path("pad_token_id").intValue());
            List<int[]> prompts = new ArrayList<>();
            for (int b = 0; b < promptIds.length; b++) {
                List<Integer> real = new ArrayList<>();
                for (int t = 0; t < promptIds[b].length; t++) {
                    if (promptMask[b][t] == 1) {
                        real.add(promptIds[b][t]);
                    }
                }
                prompts.add(real.stream().mapToInt(Integer::intValue).toArray());
            }
            Decoding greedy = Decoding.greedy(gen.path("max_new_tokens").intValue());
            for (boolean cache : new boolean[] {true, false}) {
                String what = name + (cache ? " cached" : " uncached") + " generation";
                Decoded decoded = model.decode(prompts, greedy, new DecodeOptions(cache, true, Set.of()));
                assertThat(decoded.steps()).as(what + " steps").isEqualTo(gen.path("steps").intValue());
                int[][] newTokens = ints(gen.path("new_tokens"));
                int[][] sequences = ints(gen.path("sequences"));
                JsonNode stepLogits = gen.path("step_logits");
                for (int b = 0; b < prompts.size(); b++) {
                    assertThat(decoded.tokens().get(b)).as(what + " new tokens of row " + b)
                            .containsExactly(newTokens[b]);
                    int[] sequence = new int[promptIds[b].length + decoded.steps()];
                    java.util.Arrays.fill(sequence, gen.path("pad_token_id").intValue());
                    System.arraycopy(promptIds[b], 0, sequence, 0, promptIds[b].length);
                    System.arraycopy(decoded.tokens().get(b), 0, sequence, promptIds[b].length,
                            decoded.tokens().get(b).length);
                    assertThat(sequence).as(what + " sequence of row " + b).containsExactly(sequences[b]);
                    float[][] actual = decoded.stepLogits().get(b);
                    assertThat(actual.length).isEqualTo(newTokens[b].length);
                    for (int t = 0; t < actual.length; t++) {
                        tolerance.assertClose(what + " step logits [" + b + "][" + t + "]", actual[t],
                                Tolerance.flatten(stepLogits.get(b).get(t)));
                    }
                }
            }
        }
    }

    /** The shifted, pooled cross-entropy of {@code outputs.loss}; every trainable tensor by HF name. */
    @Override
    public GradientSubject gradientSubject(Path fixture, JsonNode expected, JsonNode gradients) throws Exception {
        JsonNode inputs = expected.path("inputs");
        int[][] ids = ints(inputs.path("input_ids"));
        int[][] mask = ints(inputs.path("attention_mask"));
        int[][] labels = ints(inputs.path("labels"));
        CausalLanguageModel model = (CausalLanguageModel) ArchitectureRegistry.load(fixture, ModelOptions.cpu());
        Map<String, NDArray> parameters = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : model.block().getParameters()) {
            parameters.put(p.getKey(), p.getValue().getArray());
        }
        return new GradientSubject(model, parameters, manager -> model.causalLoss(manager, ids, mask, labels));
    }

    static int[][] ints(JsonNode nested) {
        int[][] rows = new int[nested.size()][];
        for (int r = 0; r < rows.length; r++) {
            JsonNode row = nested.get(r);
            rows[r] = new int[row.size()];
            for (int c = 0; c < rows[r].length; c++) {
                rows[r][c] = row.get(c).intValue();
            }
        }
        return rows;
    }
}
