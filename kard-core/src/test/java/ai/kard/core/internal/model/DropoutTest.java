package ai.kard.core.internal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.kard.api.Decoding;
import ai.kard.core.internal.checkpoint.HfConfig;
import ai.kard.core.internal.model.bert.BertEncoder;
import ai.kard.core.internal.model.registry.ArchitectureRegistry;
import ai.kard.core.model.ModelOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Dropout as HF applies it, for every architecture: active only in training, read from each architecture's HF
 * keys (HF's defaults when absent), masks drawn from the engine seed, and no effect at all at probability 0 or
 * off (so the eval-mode parity fixtures keep matching bit for bit).
 */
class DropoutTest {
    private static final int VOCAB = 40;
    private static final List<int[]> PROMPTS = List.of(new int[] {1, 7, 9, 11, 13, 5}, new int[] {1, 20, 21});
    private static final List<int[]> TARGETS = List.of(new int[] {8, 9, 2}, new int[] {30, 31, 32, 33, 2});

    @TempDir
    Path dir;

    /** Tiny models of each architecture, without any dropout key (so HF's defaults apply). */
    static Map<String, HfConfig> bases() {
        return Map.of(
                "t5", HfConfig.of("model_type", "t5", "vocab_size", VOCAB, "d_model", 24, "d_kv", 8, "d_ff", 40,
                        "num_heads", 3, "num_layers", 2, "num_decoder_layers", 2, "relative_attention_num_buckets", 8,
                        "relative_attention_max_distance", 12, "feed_forward_proj", "gated-gelu",
                        "tie_word_embeddings", false, "eos_token_id", 2),
                "llama", HfConfig.of("model_type", "llama", "vocab_size", VOCAB, "hidden_size", 32,
                        "intermediate_size", 48, "num_hidden_layers", 2, "num_attention_heads", 4,
                        "num_key_value_heads", 2, "initializer_range", 0.3, "bos_token_id", 1, "eos_token_id", 2,
                        "pad_token_id", 0),
                "qwen2", HfConfig.of("model_type", "qwen2", "vocab_size", VOCAB, "hidden_size", 32,
                        "intermediate_size", 48, "num_hidden_layers", 2, "num_attention_heads", 4,
                        "num_key_value_heads", 1, "tie_word_embeddings", true, "initializer_range", 0.3,
                        "eos_token_id", 2),
                "opt", HfConfig.of("model_type", "opt", "vocab_size", VOCAB, "hidden_size", 32, "ffn_dim", 48,
                        "num_hidden_layers", 2, "num_attention_heads", 4, "max_position_embeddings", 64,
                        "init_std", 0.3, "eos_token_id", 2, "pad_token_id", 1),
                "gpt2", HfConfig.of("model_type", "gpt2", "vocab_size", VOCAB, "n_embd", 32, "n_head", 4,
                        "n_layer", 2, "n_positions", 64, "initializer_range", 0.3, "eos_token_id", 2));
    }

    /** Every dropout key of each architecture (HF's names). */
    static Map<String, List<String>> keys() {
        return Map.of("t5", List.of("dropout_rate"), "llama", List.of("attention_dropout"),
                "qwen2", List.of("attention_dropout"), "opt", List.of("dropout", "attention_dropout"),
                "gpt2", List.of("embd_pdrop", "attn_pdrop", "resid_pdrop"));
    }

    /** The base config with every dropout key of its architecture set to {@code p}. */
    static HfConfig withAll(String type, double p) {
        HfConfig config = bases().get(type);
        for (String key : keys().get(type)) {
            config = config.with(key, p);
        }
        return config;
    }

    static Stream<String> types() {
        return Stream.of("t5", "llama", "qwen2", "opt", "gpt2");
    }

    static Stream<Arguments> eachKey() {
        return types().flatMap(type -> keys().get(type).stream().map(key -> Arguments.of(type, key)));
    }

    private static LanguageModel create(HfConfig config) throws Exception {
        return ArchitectureRegistry.create(config, 5, ModelOptions.cpu());
    }

    /** The loss (as a float) with the engine seeded with {@code seed} first. */
    private static float loss(LanguageModel model, Dropout dropout, int seed) {
        Engine.getInstance().setRandomSeed(seed);
        try (NDManager m = NDManager.newBaseManager()) {
            return model.loss(m, PROMPTS, TARGETS, dropout).getFloat();
        }
    }

    @ParameterizedTest
    @MethodSource("types")
    void trainingLossDropsOutAndEvalLossDoesNot(String type) throws Exception {
        try (LanguageModel model = create(withAll(type, 0.3))) {
            float eval = loss(model, Dropout.OFF, 1);
            assertThat(loss(model, Dropout.OFF, 2)).as("eval mode draws nothing").isEqualTo(eval);
            try (NDManager m = NDManager.newBaseManager()) {
                assertThat(model.loss(m, PROMPTS, TARGETS).getFloat()).as("the plain loss is the eval loss")
                        .isEqualTo(eval);
            }
            float training = loss(model, Dropout.AS_CONFIGURED, 1);
            assertThat(training).isFinite().isNotEqualTo(eval);
            assertThat(loss(model, Dropout.AS_CONFIGURED, 1)).as("same seed, same masks").isEqualTo(training);
            assertThat(loss(model, Dropout.AS_CONFIGURED, 2)).as("another seed, other masks").isNotEqualTo(training);
            assertThat(loss(model, Dropout.everywhere(0), 1)).as("override 0 trains without dropout")
                    .isEqualTo(eval);
            assertThat(loss(model, Dropout.everywhere(0.3), 1)).as("override = configured value")
                    .isEqualTo(training);
        }
    }

    @ParameterizedTest
    @MethodSource("types")
    void probabilityZeroIsBitIdenticalToNoDropout(String type) throws Exception {
        try (LanguageModel zero = create(withAll(type, 0.0)); LanguageModel off = create(withAll(type, 0.5))) {
            float eval = loss(off, Dropout.OFF, 3);
            assertThat(loss(zero, Dropout.AS_CONFIGURED, 3)).isEqualTo(eval);
            assertThat(loss(zero, Dropout.AS_CONFIGURED, 4)).isEqualTo(eval);
        }
    }

    /** Each HF key on its own changes the training loss: every place is wired to its own probability. */
    @ParameterizedTest
    @MethodSource("eachKey")
    void eachConfigKeyDropsOnItsOwn(String type, String key) throws Exception {
        try (LanguageModel model = create(withAll(type, 0.0).with(key, 0.4))) {
            assertThat(loss(model, Dropout.AS_CONFIGURED, 7)).isNotEqualTo(loss(model, Dropout.OFF, 7));
        }
    }

    /**
     * HF's defaults when the keys are absent: T5 dropout_rate 0.1, OPT dropout 0.1, GPT-2 *_pdrop 0.1 drop;
     * Llama/Qwen2 attention_dropout and OPT attention_dropout default to 0.
     */
    @ParameterizedTest
    @MethodSource("types")
    void absentKeysTakeHfDefaults(String type) throws Exception {
        try (LanguageModel model = create(bases().get(type))) {
            float eval = loss(model, Dropout.OFF, 9);
            float training = loss(model, Dropout.AS_CONFIGURED, 9);
            if (type.equals("llama") || type.equals("qwen2")) {
                assertThat(training).isEqualTo(eval);
            } else {
                assertThat(training).isNotEqualTo(eval);
            }
        }
        if (type.equals("opt")) {
            try (LanguageModel model = create(bases().get(type).with("dropout", 0.0))) {
                assertThat(loss(model, Dropout.AS_CONFIGURED, 9)).as("attention_dropout defaults to 0")
                        .isEqualTo(loss(model, Dropout.OFF, 9));
            }
        }
    }

    /** Generation is inference: the config's dropout and the engine seed change nothing. */
    @ParameterizedTest
    @MethodSource("types")
    void generationIgnoresDropout(String type) throws Exception {
        try (LanguageModel dropping = create(withAll(type, 0.5)); LanguageModel plain = create(withAll(type, 0))) {
            Engine.getInstance().setRandomSeed(1);
            List<List<int[]>> a = dropping.generate(PROMPTS, Decoding.greedy(6), 1);
            Engine.getInstance().setRandomSeed(2);
            List<List<int[]>> b = dropping.generate(PROMPTS, Decoding.greedy(6), 1);
            List<List<int[]>> c = plain.generate(PROMPTS, Decoding.greedy(6), 1);
            for (int p = 0; p < PROMPTS.size(); p++) {
                assertThat(b.get(p).get(0)).isEqualTo(a.get(p).get(0));
                assertThat(c.get(p).get(0)).isEqualTo(a.get(p).get(0));
            }
        }
    }

    /** Gradients flow through the masks (the training path is the gradient path). */
    @ParameterizedTest
    @MethodSource("types")
    void trainingLossHasFiniteGradients(String type) throws Exception {
        try (LanguageModel model = create(withAll(type, 0.3)); NDManager m = NDManager.newBaseManager()) {
            for (var p : model.block().getParameters()) {
                p.getValue().getArray().setRequiresGradient(true);
            }
            Engine.getInstance().setRandomSeed(11);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(model.loss(m, PROMPTS, TARGETS, Dropout.AS_CONFIGURED));
            }
            double sum = 0;
            for (var p : model.block().getParameters()) {
                sum += p.getValue().getArray().getGradient().abs().sum().getFloat();
            }
            assertThat(sum).isFinite().isPositive();
        }
    }

    /** The dropped-out activations join the call's scope like every other intermediate: nothing accumulates. */
    @ParameterizedTest
    @MethodSource("types")
    void trainingLossesLeaveNoLiveArrays(String type) throws Exception {
        try (LanguageModel model = create(withAll(type, 0.3)); NDManager caller = NDManager.newBaseManager()) {
            NDManager owner = model.block().getParameters().get(0).getValue().getArray().getManager();
            model.loss(caller, PROMPTS, TARGETS, Dropout.AS_CONFIGURED).close();
            int before = owner.getManagedArrays().size();
            for (int i = 0; i < 50; i++) {
                model.loss(caller, PROMPTS, TARGETS, Dropout.AS_CONFIGURED).close();
            }
            assertThat(caller.getManagedArrays()).isEmpty();
            assertThat(owner.getManagedArrays()).hasSize(before);
        }
    }

    @Test
    void bertDropsHiddenStatesAndAttentionProbabilitiesOnlyInTraining() throws Exception {
        HfConfig base = HfConfig.of("model_type", "bert", "vocab_size", VOCAB, "hidden_size", 32,
                "num_hidden_layers", 2, "num_attention_heads", 4, "intermediate_size", 48,
                "max_position_embeddings", 32);
        Path folder = dir.resolve("bert");
        for (String key : List.of("hidden_dropout_prob", "attention_probs_dropout_prob")) {
            HfConfig config = base.with("hidden_dropout_prob", 0.0).with("attention_probs_dropout_prob", 0.0)
                    .with(key, 0.3);
            try (BertEncoder created = BertEncoder.create(ai.kard.core.internal.model.bert.BertConfig.from(config), 3,
                    ModelOptions.cpu())) {
                // create() writes its own config (HF's 0.1 defaults): reload with the one under test.
                created.save(folder);
            }
            config.write(folder);
            try (BertEncoder bert = BertEncoder.load(folder, ModelOptions.cpu());
                    NDManager m = NDManager.newBaseManager()) {
                NDArray ids = m.create(new long[] {2, 5, 7, 9, 11, 3}, new Shape(1, 6));
                float[] eval = bert.forward(ids, null, null).toFloatArray();
                Engine.getInstance().setRandomSeed(4);
                float[] training = bert.forward(ids, null, null, Dropout.AS_CONFIGURED).toFloatArray();
                Engine.getInstance().setRandomSeed(4);
                float[] again = bert.forward(ids, null, null, Dropout.AS_CONFIGURED).toFloatArray();
                assertThat(bert.forward(ids, null, null, Dropout.OFF).toFloatArray()).isEqualTo(eval);
                assertThat(training).as(key).isNotEqualTo(eval);
                assertThat(again).as(key).isEqualTo(training);
                // Eval runs the fused inference path (one QKV product, biases inside the products): the same
                // arithmetic in another order, so equal to float rounding rather than bit for bit.
                assertThat(bert.forward(ids, null, null, Dropout.everywhere(0)).toFloatArray())
                        .containsExactly(eval, within(1e-5f));
            }
        }
    }

    /** Inverted dropout: about p of the values are zero, the rest scaled by 1/(1-p), the mean unchanged. */
    @Test
    void dropoutKeepsTheExpectedValue() {
        int n = 200_000;
        double p = 0.3;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.full(new Shape(n), 2f, DataType.FLOAT32);
            Engine.getInstance().setRandomSeed(123);
            float[] dropped = Dropout.everywhere(p).apply(x, 0.9).toFloatArray();
            int zeros = 0;
            double sum = 0;
            for (float v : dropped) {
                if (v == 0) {
                    zeros++;
                } else {
                    assertThat((double) v).isCloseTo(2 / (1 - p), within(1e-5));
                }
                sum += v;
            }
            assertThat(zeros / (double) n).isCloseTo(p, within(0.005));
            assertThat(sum / n).isCloseTo(2, within(0.02));
            assertThat(Dropout.AS_CONFIGURED.apply(x, 0)).as("p = 0: the very same array").isSameAs(x);
            assertThat(Dropout.OFF.apply(x, 0.9)).isSameAs(x);
        }
    }

    @Test
    void badProbabilitiesAreRejectedNamingTheKey() {
        assertThatThrownBy(() -> create(withAll("gpt2", 0).with("attn_pdrop", 1.5)))
                .hasMessageContaining("attn_pdrop").hasMessageContaining("[0, 1)");
        assertThatThrownBy(() -> create(withAll("t5", 0).with("dropout_rate", "high")))
                .hasMessageContaining("dropout_rate");
        assertThatThrownBy(() -> Dropout.everywhere(1.0)).hasMessageContaining("[0, 1)");
        assertThatThrownBy(() -> Dropout.everywhere(-0.1)).hasMessageContaining("[0, 1)");
    }
}
