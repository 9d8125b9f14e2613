package ai.kard.core.internal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.kard.core.internal.checkpoint.HfConfig;
import ai.kard.core.internal.model.registry.ArchitectureRegistry;
import ai.kard.core.internal.model.Dropout;
import ai.kard.core.internal.model.LanguageModel;
import ai.kard.core.model.ModelOptions;
import ai.kard.core.train.ProgressListener;
import ai.kard.core.train.TrainingResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Dropout through the trainer, for an encoder-decoder and a decoder-only student: masks come from the trainer's
 * per-step seed, so two runs are bit-identical and a run interrupted mid-epoch and resumed from its checkpoint
 * ends bit-identical to the uninterrupted one; the validation loss runs without dropout.
 */
class DropoutResumeTest {

    @TempDir
    Path tmp;

    static Stream<HfConfig> students() {
        return Stream.of(
                HfConfig.of("model_type", "t5", "vocab_size", 30, "d_model", 16, "d_kv", 4, "d_ff", 24,
                        "num_heads", 2, "num_layers", 1, "num_decoder_layers", 1, "relative_attention_num_buckets", 8,
                        "relative_attention_max_distance", 12, "feed_forward_proj", "gated-gelu",
                        "tie_word_embeddings", false, "eos_token_id", 1, "dropout_rate", 0.3),
                HfConfig.of("model_type", "gpt2", "vocab_size", 30, "n_embd", 16, "n_head", 2, "n_layer", 1,
                        "n_positions", 32, "eos_token_id", 1, "embd_pdrop", 0.2, "attn_pdrop", 0.2,
                        "resid_pdrop", 0.2));
    }

    /** Thrown by a listener to simulate a crash. */
    private static final class Interrupted extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    private record Outcome(List<float[]> weights, TrainingResult result) {}

    private static List<TokenBatch> batches(int count, long seed) {
        Random random = new Random(seed);
        List<TokenBatch> out = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            List<int[]> prompts = new ArrayList<>();
            List<int[]> targets = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                prompts.add(random.ints(2 + random.nextInt(4), 2, 30).toArray());
                int[] target = random.ints(2 + random.nextInt(3), 2, 30).toArray();
                target[target.length - 1] = 1;
                targets.add(target);
            }
            out.add(new TokenBatch(prompts, targets));
        }
        return out;
    }

    private static final List<TokenBatch> TRAIN = batches(5, 1);
    private static final List<TokenBatch> VALIDATION = batches(2, 2);

    // 5 batches, accumulation 2: steps of 2, 2, 1 batches per epoch, 6 steps in all.
    private static TrainerConfig config(Path dir) {
        return TrainerConfig.builder().epochs(2).learningRate(3e-3).gradientAccumulation(2).seed(11)
                .checkpointDir(dir).checkpointEverySteps(1).keepLastCheckpoints(10).logEverySteps(1).build();
    }

    private static LanguageModel student(HfConfig config, long seed) throws Exception {
        return ArchitectureRegistry.create(config, seed, ModelOptions.cpu());
    }

    private Outcome run(HfConfig config, Path dir, Dropout dropout) throws Exception {
        try (LanguageModel model = student(config, 5)) {
            TrainingResult r = Trainer.<TokenBatch>builder(config(dir)).build()
                    .fit(new LanguageModelTask(model, dropout), BatchSource.of(TRAIN), VALIDATION);
            return new Outcome(TinyTasks.weights(model.block()), r);
        }
    }

    private static void assertBitIdentical(Outcome a, Outcome b) {
        assertThat(b.weights()).hasSameSizeAs(a.weights());
        for (int i = 0; i < a.weights().size(); i++) {
            assertThat(b.weights().get(i)).containsExactly(a.weights().get(i));
        }
        assertThat(b.result().steps()).isEqualTo(a.result().steps()).isEqualTo(6);
        for (int e = 0; e < 2; e++) {
            assertThat(b.result().epochs().get(e).trainLoss()).isEqualTo(a.result().epochs().get(e).trainLoss());
            assertThat(b.result().epochs().get(e).validationLoss())
                    .isEqualTo(a.result().epochs().get(e).validationLoss());
        }
    }

    @ParameterizedTest
    @MethodSource("students")
    void sameSeedGivesBitIdenticalRunsAndDropoutChangesTraining(HfConfig config) throws Exception {
        Outcome first = run(config, tmp.resolve("a"), Dropout.AS_CONFIGURED);
        Outcome second = run(config, tmp.resolve("b"), Dropout.AS_CONFIGURED);
        assertBitIdentical(first, second);
        Outcome without = run(config, tmp.resolve("c"), Dropout.everywhere(0));
        assertThat(without.result().epochs().get(0).trainLoss())
                .isNotEqualTo(first.result().epochs().get(0).trainLoss());
    }

    @ParameterizedTest
    @MethodSource("students")
    void resumeMidEpochWithDropoutEndsBitIdentical(HfConfig config) throws Exception {
        Outcome straight = run(config, tmp.resolve("a"), Dropout.AS_CONFIGURED);
        Path dir = tmp.resolve("b");
        try (LanguageModel model = student(config, 5)) {
            assertThatThrownBy(() -> Trainer.<TokenBatch>builder(config(dir)).listener(new ProgressListener() {
                @Override
                public void onCheckpoint(Path checkpoint) {
                    if (checkpoint.getFileName().toString().equals("checkpoint-00000002")) {
                        throw new Interrupted(); // after 2 of the 3 steps of epoch 1
                    }
                }
            }).build().fit(new LanguageModelTask(model), BatchSource.of(TRAIN), VALIDATION))
                    .isInstanceOf(Interrupted.class);
        }
        // Other initial weights: the resume must overwrite them all, and draw the same masks from step 3 on.
        try (LanguageModel model = student(config, 99)) {
            TrainingResult r = Trainer.<TokenBatch>builder(config(dir)).build().resume(new LanguageModelTask(model),
                    BatchSource.of(TRAIN), VALIDATION, dir.resolve("checkpoint-00000002"));
            assertBitIdentical(straight, new Outcome(TinyTasks.weights(model.block()), r));
        }
    }

    /** The epoch's validation loss is the eval-mode loss of the weights at the epoch's end. */
    @ParameterizedTest
    @MethodSource("students")
    void validationLossRunsWithoutDropout(HfConfig config) throws Exception {
        try (LanguageModel model = student(config, 5)) {
            TrainingResult r = Trainer.<TokenBatch>builder(config(tmp.resolve("v"))).build()
                    .fit(new LanguageModelTask(model), BatchSource.of(TRAIN), VALIDATION);
            double sum = 0;
            for (TokenBatch batch : VALIDATION) {
                try (NDManager m = NDManager.newBaseManager()) {
                    sum += model.loss(m, batch.prompts(), batch.targets()).getFloat();
                }
            }
            assertThat(r.last().validationLoss()).isEqualTo(sum / VALIDATION.size());
        }
    }
}
