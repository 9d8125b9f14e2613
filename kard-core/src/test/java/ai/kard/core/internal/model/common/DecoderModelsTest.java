package ai.kard.core.internal.model.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import ai.kard.api.Decoding;
import ai.kard.core.checkpoint.CheckpointException;
import ai.kard.core.internal.checkpoint.HfConfig;
import ai.kard.core.internal.checkpoint.SafetensorsStore;
import ai.kard.core.internal.checkpoint.SafetensorsWriter;
import ai.kard.core.internal.model.registry.ArchitectureRegistry;
import ai.kard.core.internal.model.LanguageModel;
import ai.kard.core.model.ModelOptions;
import ai.kard.core.internal.model.llama.LlamaPresets;
import ai.kard.core.internal.tokenizer.TextTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The decoder-only students on tiny random models of each architecture (one per HF layout variant). */
class DecoderModelsTest {
    private static final int VOCAB = 50;

    @TempDir
    Path dir;

    /** Tiny configs with a large init so that greedy decisions have clear margins. */
    static Stream<HfConfig> configs() {
        return Stream.of(
                HfConfig.of("model_type", "llama", "vocab_size", VOCAB, "hidden_size", 32, "intermediate_size", 48,
                        "num_hidden_layers", 2, "num_attention_heads", 4, "num_key_value_heads", 2,
                        "tie_word_embeddings", false, "initializer_range", 0.3, "bos_token_id", 1,
                        "eos_token_id", 2, "pad_token_id", 0),
                HfConfig.of("model_type", "qwen2", "vocab_size", VOCAB, "hidden_size", 32, "intermediate_size", 48,
                        "num_hidden_layers", 2, "num_attention_heads", 4, "num_key_value_heads", 1, "head_dim", 16,
                        "tie_word_embeddings", true, "initializer_range", 0.3, "eos_token_id", 2,
                        "rope_theta", 1000000.0),
                HfConfig.of("model_type", "opt", "vocab_size", VOCAB, "hidden_size", 32, "word_embed_proj_dim", 16,
                        "ffn_dim", 48, "num_hidden_layers", 2, "num_attention_heads", 4,
                        "max_position_embeddings", 64, "do_layer_norm_before", false, "init_std", 0.3,
                        "eos_token_id", 2, "pad_token_id", 1),
                HfConfig.of("model_type", "gpt2", "vocab_size", VOCAB, "n_embd", 32, "n_head", 4, "n_layer", 2,
                        "n_positions", 64, "initializer_range", 0.3, "eos_token_id", VOCAB - 1));
    }

    private static CausalLanguageModel create(HfConfig config, long seed) throws Exception {
        return (CausalLanguageModel) ArchitectureRegistry.create(config, seed, ModelOptions.cpu());
    }

    private static List<int[]> prompts() {
        return List.of(new int[] {1, 7, 9, 11, 13, 5, 8}, new int[] {1, 20}, new int[] {1, 30, 31, 32});
    }

    @ParameterizedTest
    @MethodSource("configs")
    void saveAndLoadRoundTripKeepsHfNamesAndLogits(HfConfig config) throws Exception {
        try (CausalLanguageModel model = create(config, 7); NDManager manager = NDManager.newBaseManager()) {
            model.save(dir);
            SafetensorsStore store = SafetensorsStore.open(dir);
            List<String> parameterNames = new ArrayList<>();
            for (Pair<String, Parameter> p : model.block().getParameters()) {
                parameterNames.add(p.getValue().getName());
            }
            assertThat(store.names()).containsExactlyInAnyOrderElementsOf(parameterNames);
            boolean tied = !store.contains("lm_head.weight");
            assertThat(tied).isEqualTo(!config.json().path("model_type").asText().equals("llama"));
            try (LanguageModel loaded = ArchitectureRegistry.load(dir, ModelOptions.cpu())) {
                int[][] ids = {{1, 5, 6, 7}, {1, 9, 0, 0}};
                int[][] mask = {{1, 1, 1, 1}, {1, 1, 0, 0}};
                float[] before = model.logits(manager, ids, mask).toFloatArray();
                float[] after = ((CausalLanguageModel) loaded).logits(manager, ids, mask).toFloatArray();
                assertThat(after).containsExactly(before);
                assertThat(loaded.config().json().path("model_type").asText())
                        .isEqualTo(config.json().path("model_type").asText());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void sameSeedSameWeightsOtherSeedOtherWeights(HfConfig config) throws Exception {
        int[][] ids = {{1, 5, 6, 7}};
        int[][] mask = {{1, 1, 1, 1}};
        try (CausalLanguageModel a = create(config, 21); CausalLanguageModel b = create(config, 21);
                CausalLanguageModel c = create(config, 22); NDManager manager = NDManager.newBaseManager()) {
            float[] logits = a.logits(manager, ids, mask).toFloatArray();
            assertThat(b.logits(manager, ids, mask).toFloatArray()).containsExactly(logits);
            assertThat(c.logits(manager, ids, mask).toFloatArray()).isNotEqualTo(logits);
        }
    }

    /** Original OPT conversions name tensors {@code decoder.*}; original GPT-2 uploads drop {@code transformer.}. */
    @ParameterizedTest
    @MethodSource("configs")
    void bareModelNamesAndMaskBuffersLoad(HfConfig config) throws Exception {
        String type = config.json().path("model_type").asText();
        org.junit.jupiter.api.Assumptions.assumeTrue(type.equals("opt") || type.equals("gpt2"));
        int[][] ids = {{1, 5, 6, 7}};
        int[][] mask = {{1, 1, 1, 1}};
        try (CausalLanguageModel model = create(config, 8); NDManager manager = NDManager.newBaseManager()) {
            model.save(dir);
            SafetensorsStore store = SafetensorsStore.open(dir);
            Map<String, NDArray> renamed = new LinkedHashMap<>();
            for (String name : store.names()) {
                NDArray array = store.load(name, manager, ai.djl.ndarray.types.DataType.FLOAT32);
                renamed.put(name.replaceFirst("^model\\.", "").replaceFirst("^transformer\\.", ""), array);
            }
            if (type.equals("gpt2")) {
                renamed.put("h.0.attn.bias", manager.ones(new ai.djl.ndarray.types.Shape(1, 1, 64, 64)));
                renamed.put("h.0.attn.masked_bias", manager.create(-1e4f));
            } else {
                renamed.put("lm_head.weight", renamed.get("decoder.embed_tokens.weight"));
            }
            SafetensorsWriter.write(dir.resolve("model.safetensors"), renamed);
            try (LanguageModel loaded = ArchitectureRegistry.load(dir, ModelOptions.cpu())) {
                assertThat(((CausalLanguageModel) loaded).logits(manager, ids, mask).toFloatArray())
                        .containsExactly(model.logits(manager, ids, mask).toFloatArray());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void missingTensorIsNamed(HfConfig config) throws Exception {
        try (CausalLanguageModel model = create(config, 3)) {
            model.save(dir);
        }
        SafetensorsStore store = SafetensorsStore.open(dir);
        String dropped = store.names().stream().filter(n -> n.contains("layers.1.") || n.contains("h.1."))
                .findFirst().orElseThrow();
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> kept = new LinkedHashMap<>();
            for (String name : store.names()) {
                if (!name.equals(dropped)) {
                    kept.put(name, store.load(name, manager, ai.djl.ndarray.types.DataType.FLOAT32));
                }
            }
            SafetensorsWriter.write(dir.resolve("model.safetensors"), kept);
        }
        assertThatThrownBy(() -> ArchitectureRegistry.load(dir, ModelOptions.cpu()))
                .isInstanceOf(CheckpointException.class).hasMessageContaining(dropped);
    }

    @ParameterizedTest
    @MethodSource("configs")
    void cachedAndUncachedGreedyGiveTheSameTokensAsUnbatchedRuns(HfConfig config) throws Exception {
        try (CausalLanguageModel model = create(config, 11)) {
            assertCachedUncachedAndUnbatchedAgree(model, prompts());
        }
    }

    /**
     * Greedy decoding of {@code prompts} gives the same tokens (and step logits within 1e-3) with and without the
     * cache, and each row of the left-padded mixed-length batch decodes as if it were alone.
     */
    static void assertCachedUncachedAndUnbatchedAgree(CausalLanguageModel model, List<int[]> prompts) {
        Decoding greedy = Decoding.greedy(8);
        DecodeOptions logits = new DecodeOptions(true, true, Set.of());
        Decoded cached = model.decode(prompts, greedy, logits);
        Decoded uncached = model.decode(prompts, greedy, logits.withCache(false));
        for (int b = 0; b < prompts.size(); b++) {
            assertThat(cached.tokens().get(b)).isNotEmpty().containsExactly(uncached.tokens().get(b));
            float[][] a = cached.stepLogits().get(b);
            float[][] u = uncached.stepLogits().get(b);
            for (int t = 0; t < a.length; t++) {
                for (int v = 0; v < a[t].length; v++) {
                    assertThat(a[t][v]).isCloseTo(u[t][v], org.assertj.core.data.Offset.offset(1e-3f));
                }
            }
            Decoded alone = model.decode(List.of(prompts.get(b)), greedy, logits);
            assertThat(alone.tokens().get(0)).containsExactly(cached.tokens().get(b));
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void lossCountsOnlyTargetTokensPooled(HfConfig config) throws Exception {
        try (CausalLanguageModel model = create(config, 5); NDManager manager = NDManager.newBaseManager()) {
            int eos = model.eosTokenId();
            List<int[]> prompts = List.of(new int[] {1, 4, 5, 6}, new int[] {1, 8});
            List<int[]> targets = List.of(new int[] {10, 11, eos}, new int[] {12, eos});
            float loss = model.loss(manager, prompts, targets).getFloat();
            // Reference: log-softmax of each row's own unpadded logits at the positions before its targets.
            double sum = 0;
            int counted = 0;
            for (int b = 0; b < 2; b++) {
                int[] prompt = prompts.get(b);
                int[] target = targets.get(b);
                int[] row = new int[prompt.length + target.length];
                System.arraycopy(prompt, 0, row, 0, prompt.length);
                System.arraycopy(target, 0, row, prompt.length, target.length);
                int[] ones = new int[row.length];
                java.util.Arrays.fill(ones, 1);
                float[] logits = model.logits(manager, new int[][] {row}, new int[][] {ones}).toFloatArray();
                for (int j = 0; j < target.length; j++) {
                    int t = prompt.length - 1 + j;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int v = 0; v < VOCAB; v++) {
                        max = Math.max(max, logits[t * VOCAB + v]);
                    }
                    double z = 0;
                    for (int v = 0; v < VOCAB; v++) {
                        z += Math.exp(logits[t * VOCAB + v] - max);
                    }
                    sum += -(logits[t * VOCAB + target[j]] - max - Math.log(z));
                    counted++;
                }
            }
            assertThat((double) loss).isCloseTo(sum / counted, org.assertj.core.data.Offset.offset(1e-4));
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void gradientStepsReduceTheLoss(HfConfig config) throws Exception {
        try (CausalLanguageModel model = create(config, 9)) {
            List<Parameter> parameters = new ArrayList<>();
            for (Pair<String, Parameter> p : model.block().getParameters()) {
                p.getValue().getArray().setRequiresGradient(true);
                parameters.add(p.getValue());
            }
            List<int[]> prompts = List.of(new int[] {1, 4, 5});
            List<int[]> targets = List.of(new int[] {10, 11, model.eosTokenId()});
            float first = Float.NaN;
            float last = Float.NaN;
            for (int step = 0; step < 5; step++) {
                try (NDManager scope = model.manager().newSubManager()) {
                    try (GradientCollector collector = ai.djl.engine.Engine.getInstance().newGradientCollector()) {
                        NDArray loss = model.loss(scope, prompts, targets);
                        collector.backward(loss);
                        last = loss.getFloat();
                    }
                    if (step == 0) {
                        first = last;
                    }
                    // Plain SGD in place, outside the collector (as trainers do).
                    for (Parameter p : parameters) {
                        NDArray array = p.getArray();
                        array.subi(array.getGradient().mul(0.05f));
                        array.getGradient().close();
                    }
                }
            }
            assertThat(last).isLessThan(first);
        }
    }

    @Test
    void thousandForwardsAndGenerationsLeaveNoNativeArrays() throws Exception {
        HfConfig oneLayer = configs().findFirst().orElseThrow().with("num_hidden_layers", 1);
        try (CausalLanguageModel model = create(oneLayer, 1)) {
            int baseline = model.manager().getManagedArrays().size();
            int[][] ids = {{1, 5}};
            int[][] mask = {{1, 1}};
            for (int i = 0; i < 1000; i++) {
                try (NDManager scope = NDManager.newBaseManager()) {
                    model.logits(scope, ids, mask);
                }
            }
            for (int i = 0; i < 20; i++) {
                model.generate(prompts(), Decoding.greedy(4), 1);
                try (NDManager scope = NDManager.newBaseManager()) {
                    model.loss(scope, List.of(new int[] {1, 5}), List.of(new int[] {6, 2}));
                }
            }
            assertThat(model.manager().getManagedArrays()).hasSize(baseline);
        }
    }

    @Test
    void eightThreadsGenerateWhatOneThreadGenerates() throws Exception {
        try (CausalLanguageModel model = create(configs().skip(1).findFirst().orElseThrow(), 2)) {
            List<List<int[]>> expected = model.generate(prompts(), Decoding.greedy(6), 1);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<List<List<int[]>>>> futures = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    futures.add(pool.submit(() -> model.generate(prompts(), Decoding.greedy(6), 1)));
                }
                for (Future<List<List<int[]>>> future : futures) {
                    List<List<int[]>> got = future.get();
                    for (int p = 0; p < expected.size(); p++) {
                        assertThat(got.get(p).get(0)).containsExactly(expected.get(p).get(0));
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void samplesAreSeededAndStopTokensEndRows() throws Exception {
        try (CausalLanguageModel model = create(configs().findFirst().orElseThrow(), 4)) {
            Decoding sampling = new Decoding(6, true, 1.5, 0, 1.0, 42);
            List<List<int[]>> a = model.generate(prompts(), sampling, 3);
            List<List<int[]>> b = model.generate(prompts(), sampling, 3);
            assertThat(a).hasSize(3).allSatisfy(perPrompt -> assertThat(perPrompt).hasSize(3));
            for (int p = 0; p < 3; p++) {
                for (int s = 0; s < 3; s++) {
                    assertThat(a.get(p).get(s)).containsExactly(b.get(p).get(s));
                    assertThat(a.get(p).get(s)).doesNotContain(model.eosTokenId());
                }
            }
            List<List<int[]>> greedy = model.generate(prompts(), Decoding.greedy(6), 2);
            assertThat(greedy.get(0).get(0)).containsExactly(greedy.get(0).get(1));
            int first = greedy.get(0).get(0)[0];
            List<List<int[]>> stopped = model.generate(prompts(), Decoding.greedy(6), 1,
                    DecodeOptions.defaults().withStopTokens(Set.of(first)));
            assertThat(stopped.get(0).get(0)).isEmpty();
        }
    }

    @Test
    void badInputsAreRejectedUpFront() throws Exception {
        try (CausalLanguageModel model = create(configs().findFirst().orElseThrow(), 4);
                NDManager manager = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> model.generate(List.of(new int[] {1, VOCAB}), Decoding.greedy(2), 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token id " + VOCAB);
            assertThatThrownBy(() -> model.loss(manager, List.of(new int[0]), List.of(new int[] {2})))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prompt 0 is empty");
            assertThatThrownBy(() -> model.loss(manager, List.of(new int[] {1}), List.of(new int[] {-5})))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-5");
            assertThatThrownBy(() -> model.generate(List.of(new int[] {1}), Decoding.greedy(2), 0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("samples");
        }
        HfConfig badHeads = configs().findFirst().orElseThrow().with("num_key_value_heads", 3);
        assertThatThrownBy(() -> create(badHeads, 1)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("num_key_value_heads");
    }

    @Test
    void llamaTinyPresetMatchesTheBundledTokenizer() throws Exception {
        try (LanguageModel model = LlamaPresets.create(LlamaPresets.LLAMA_TINY, 1, ModelOptions.cpu());
                TextTokenizer tokenizer = TextTokenizer.bundledWordPiece()) {
            assertThat(model.config().requireInt("vocab_size")).isEqualTo(tokenizer.vocabSize());
            assertThat(tokenizer.tokenId("[SEP]")).hasValue(model.eosTokenId());
            assertThat(tokenizer.tokenId("[PAD]")).hasValue(model.padTokenId());
            assertThat(model.generate(List.of(tokenizer.encodeWithSpecialTokens("what is kard")),
                    Decoding.greedy(3), 1).get(0).get(0).length).isLessThanOrEqualTo(3);
        }
    }
}
