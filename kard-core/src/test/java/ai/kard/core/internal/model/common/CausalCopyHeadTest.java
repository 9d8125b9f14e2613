package ai.kard.core.internal.model.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import ai.kard.api.Decoding;
import ai.kard.core.checkpoint.CheckpointException;
import ai.kard.core.internal.checkpoint.HfConfig;
import ai.kard.core.internal.checkpoint.SafetensorsStore;
import ai.kard.core.internal.model.registry.ArchitectureRegistry;
import ai.kard.core.internal.model.CopyTaskData;
import ai.kard.core.internal.model.LanguageModel;
import ai.kard.core.model.ModelOptions;
import ai.kard.core.internal.model.llama.LlamaPresets;
import ai.kard.core.internal.train.BatchSource;
import ai.kard.core.internal.train.Trainer;
import ai.kard.core.internal.train.TrainerConfig;
import ai.kard.core.internal.train.TrainingTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The copy head of decoder-only students ({@link CopyHead} in {@link CausalLanguageModel}). */
class CausalCopyHeadTest {
    @TempDir
    Path dir;

    /** The tiny configs of {@link DecoderModelsTest}, asking for a copy head. */
    static Stream<HfConfig> configs() {
        return DecoderModelsTest.configs().map(c -> c.with(CopyHead.CONFIG_KEY, true));
    }

    private static CausalLanguageModel create(HfConfig config, long seed) throws Exception {
        return (CausalLanguageModel) ArchitectureRegistry.create(config, seed, ModelOptions.cpu());
    }

    private static List<int[]> prompts() {
        return List.of(new int[] {1, 7, 9, 11, 13, 5, 8}, new int[] {1, 20}, new int[] {1, 30, 31, 32});
    }

    @ParameterizedTest
    @MethodSource("configs")
    void theHeadComesWithTheConfigKeyAndSurvivesSaveAndLoad(HfConfig config) throws Exception {
        int plainParameters;
        try (CausalLanguageModel plain = create(config.with(CopyHead.CONFIG_KEY, false), 3)) {
            assertThat(plain.hasCopyHead()).isFalse();
            plainParameters = plain.block().getParameters().size();
        }
        List<int[]> targets = List.of(new int[] {7, 9, 3}, new int[] {20, 3}, new int[] {31, 32, 33, 3});
        try (CausalLanguageModel model = create(config, 3); NDManager m = NDManager.newBaseManager()) {
            assertThat(model.hasCopyHead()).isTrue();
            assertThat(model.block().getParameters().size()).isEqualTo(plainParameters + 5);
            float loss = model.loss(m, prompts(), targets).getFloat();
            List<List<int[]>> greedy = model.generate(prompts(), Decoding.greedy(6), 1);
            model.save(dir);
            assertThat(dir.resolve(CopyHead.FILE)).isRegularFile();
            // transformers reads model.safetensors as a plain checkpoint: no head tensors in it.
            assertThat(SafetensorsStore.open(dir.resolve("model.safetensors")).names())
                    .noneMatch(CopyHead::owns);
            try (CausalLanguageModel loaded = (CausalLanguageModel) ArchitectureRegistry.load(dir,
                    ModelOptions.cpu())) {
                assertThat(loaded.hasCopyHead()).isTrue();
                assertThat(loaded.loss(m, prompts(), targets).getFloat()).isCloseTo(loss, Offset.offset(1e-5f));
                assertThat(loaded.generate(prompts(), Decoding.greedy(6), 1)).usingRecursiveComparison()
                        .isEqualTo(greedy);
            }
        }
    }

    @Test
    void aSavedModelWhoseConfigAsksForAMissingHeadFailsNamingTheFile() throws Exception {
        HfConfig config = configs().findFirst().orElseThrow();
        try (CausalLanguageModel model = create(config, 3)) {
            model.save(dir);
        }
        Files.delete(dir.resolve(CopyHead.FILE));
        assertThatThrownBy(() -> ArchitectureRegistry.load(dir, ModelOptions.cpu()))
                .isInstanceOf(CheckpointException.class).hasMessageContaining(CopyHead.FILE)
                .hasMessageContaining(CopyHead.CONFIG_KEY);
        // Without the key the same folder is a plain model (as saved before the head existed).
        config.with(CopyHead.CONFIG_KEY, false).write(dir);
        try (CausalLanguageModel plain = (CausalLanguageModel) ArchitectureRegistry.load(dir, ModelOptions.cpu())) {
            assertThat(plain.hasCopyHead()).isFalse();
        }
    }

    @Test
    void llamaTinyHasAHead() throws Exception {
        try (CausalLanguageModel model = LlamaPresets.create(LlamaPresets.LLAMA_TINY, 1, ModelOptions.cpu())) {
            assertThat(model.hasCopyHead()).isTrue();
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void cachedUncachedAndUnbatchedGenerationsAgree(HfConfig config) throws Exception {
        try (CausalLanguageModel model = create(config, 11)) {
            DecoderModelsTest.assertCachedUncachedAndUnbatchedAgree(model, prompts());
        }
    }

    /**
     * Training and generation compute one mixture: the loss of the greedily generated tokens (teacher-forced,
     * right-padded) is the mean of the log-probabilities that generation (left-padded, cached) chose them with.
     * Random heads copy prompt tokens, so the continuation features are exercised too.
     */
    @ParameterizedTest
    @MethodSource("configs")
    void theLossScoresWhatGenerationSampledFrom(HfConfig config) throws Exception {
        try (CausalLanguageModel model = create(config, 7); NDManager m = NDManager.newBaseManager()) {
            Decoded decoded = model.decode(prompts(), Decoding.greedy(5), new DecodeOptions(true, true, Set.of()));
            double sum = 0;
            int counted = 0;
            int copied = 0;
            for (int b = 0; b < prompts().size(); b++) {
                int[] tokens = decoded.tokens().get(b);
                for (int t = 0; t < tokens.length; t++) {
                    sum -= decoded.stepLogits().get(b)[t][tokens[t]];
                    counted++;
                    int token = tokens[t];
                    copied += java.util.Arrays.stream(prompts().get(b)).anyMatch(x -> x == token) ? 1 : 0;
                }
            }
            assertThat(copied).as("tokens copied from the prompt").isPositive();
            float loss = model.loss(m, prompts(), decoded.tokens()).getFloat();
            assertThat((double) loss).isCloseTo(sum / counted, Offset.offset(2e-4));
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void gradientsReachTheHead(HfConfig config) throws Exception {
        try (CausalLanguageModel model = create(config, 9); NDManager m = NDManager.newBaseManager()) {
            for (Pair<String, Parameter> p : model.block().getParameters()) {
                p.getValue().getArray().setRequiresGradient(true);
            }
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray loss = model.loss(m, prompts(), List.of(new int[] {9, 11, 3}, new int[] {20, 3},
                        new int[] {32, 3}));
                assertThat(loss.getFloat()).isPositive().isFinite();
                collector.backward(loss);
            }
            int head = 0;
            for (Pair<String, Parameter> p : model.block().getParameters()) {
                NDArray gradient = p.getValue().getArray().getGradient();
                assertThat(gradient.isNaN().any().getBoolean()).as(p.getKey()).isFalse();
                assertThat(gradient.isInfinite().any().getBoolean()).as(p.getKey()).isFalse();
                if (CopyHead.owns(p.getValue().getName())) {
                    head++;
                    assertThat(gradient.abs().sum().getFloat()).as(p.getKey()).isPositive();
                }
            }
            assertThat(head).isEqualTo(5);
        }
    }

    @Test
    void manyLossesAndGenerationsLeaveNoNativeArrays() throws Exception {
        HfConfig oneLayer = configs().findFirst().orElseThrow().with("num_hidden_layers", 1);
        try (CausalLanguageModel model = create(oneLayer, 1)) {
            int baseline = model.manager().getManagedArrays().size();
            for (int i = 0; i < 20; i++) {
                model.generate(prompts(), Decoding.greedy(4), 1);
                model.decode(prompts(), Decoding.greedy(4), DecodeOptions.defaults().withCache(false));
                try (NDManager scope = NDManager.newBaseManager()) {
                    model.loss(scope, List.of(new int[] {1, 5}), List.of(new int[] {6, 2}));
                }
            }
            assertThat(model.manager().getManagedArrays()).hasSize(baseline);
        }
    }

    // ------------------------------------------------------------------------------------- learning to copy

    private static final int VOCAB = 8000;
    private static final int EOS = 2;

    private static HfConfig copyTask(boolean head) {
        // Untied head: the LM head's rows of tokens never seen as targets get no training signal, so only the copy
        // head can produce them.
        return HfConfig.of("model_type", "llama", "vocab_size", VOCAB, "hidden_size", 32, "intermediate_size", 64,
                "num_hidden_layers", 2, "num_attention_heads", 4, "num_key_value_heads", 2,
                "tie_word_embeddings", false, "bos_token_id", 1, "eos_token_id", EOS, "pad_token_id", 0,
                CopyHead.CONFIG_KEY, head);
    }

    /** Prompts of a bos and 7 random tokens with a marker before the target (see {@link CopyTaskData}). */
    private static List<int[]> markerPrompts(Random random, int n, int low, int high) {
        return CopyTaskData.prompts(random, n, VOCAB, new int[] {1}, 8, low, high);
    }

    private static int[] markerTarget(int[] prompt) {
        return CopyTaskData.target(prompt, EOS);
    }

    /**
     * How many of 50 test prompts get the token after their marker first, after 128 training steps. Test targets
     * (ids 6000 and up) appear in training prompts but never as targets (below 6000), like renamed drugs.
     */
    private static int copiedAfterTraining(boolean head) throws Exception {
        Random random = new Random(7);
        List<int[]> train = markerPrompts(random, 4096, 10, 6000);
        List<int[]> test = markerPrompts(random, 50, 6000, VOCAB);
        try (LanguageModel model = ArchitectureRegistry.create(copyTask(head), 5, ModelOptions.cpu())) {
            List<int[][]> batches = new ArrayList<>();
            for (int i = 0; i < train.size(); i += 32) {
                batches.add(train.subList(i, i + 32).toArray(new int[0][]));
            }
            TrainingTask<int[][]> task = new TrainingTask<>() {
                @Override
                public ai.djl.nn.Block block() {
                    return model.block();
                }

                @Override
                public NDArray loss(NDManager manager, int[][] batch) {
                    List<int[]> p = List.of(batch);
                    return model.loss(manager, p, p.stream().map(CausalCopyHeadTest::markerTarget).toList());
                }
            };
            Trainer.<int[][]>builder(TrainerConfig.builder().epochs(1).learningRate(1e-2).logEverySteps(1000)
                    .build()).build().fit(task, BatchSource.of(batches), List.of());
            List<List<int[]>> out = model.generate(test, Decoding.greedy(2), 1);
            int copied = 0;
            for (int i = 0; i < test.size(); i++) {
                int[] tokens = out.get(i).get(0);
                copied += tokens.length >= 1 && tokens[0] == markerTarget(test.get(i))[0] ? 1 : 0;
            }
            return copied;
        }
    }

    @Test
    void withTheHeadTheStudentCopiesTokensItNeverSawWithoutItItCannot() throws Exception {
        assertThat(copiedAfterTraining(true)).as("copied with the head").isGreaterThanOrEqualTo(40);
        assertThat(copiedAfterTraining(false)).as("copied without the head").isLessThanOrEqualTo(2);
    }
}
