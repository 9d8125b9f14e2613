package ai.kard.core.internal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.kard.core.internal.train.TinyTasks.Batch;
import ai.kard.core.internal.train.TinyTasks.Regression;
import ai.kard.core.train.EpochMetrics;
import ai.kard.core.train.ProgressListener;
import ai.kard.core.train.TrainingDivergedException;
import ai.kard.core.train.TrainingResult;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResumeTest {

    @TempDir
    Path tmp;

    /** Thrown by a listener to simulate a crash. */
    static final class Interrupted extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    // 7 batches with accumulation 2 (groups 2,2,2,1), linear warmup/decay, clipping, decay and dropout:
    // everything that carries state across steps.
    private TrainerConfig config(Path dir) {
        return TrainerConfig.builder().epochs(2).learningRate(3e-3).weightDecay(0.01).linearWarmupFraction(0.25)
                .maxGradNorm(0.3).gradientAccumulation(2).seed(11).checkpointDir(dir).keepLastCheckpoints(3)
                .logEverySteps(1).build();
    }

    private static final List<Batch> TRAIN = TinyTasks.data(7, 4, 21);
    private static final List<Batch> VALIDATION = TinyTasks.data(2, 4, 22);

    private record Outcome(List<float[]> weights, TrainingResult result) {}

    private Outcome uninterrupted(Path dir) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = TinyTasks.mlp(manager, 9);
            TrainingResult r = Trainer.<Batch>builder(config(dir)).build()
                    .fit(new Regression(block), BatchSource.of(TRAIN), VALIDATION);
            return new Outcome(TinyTasks.weights(block), r);
        }
    }

    private Outcome interruptedThenResumed(Path dir, ProgressListener crash) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = TinyTasks.mlp(manager, 9);
            assertThatThrownBy(() -> Trainer.<Batch>builder(config(dir)).listener(crash).build()
                    .fit(new Regression(block), BatchSource.of(TRAIN), VALIDATION))
                    .isInstanceOf(Interrupted.class);
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            // A different initialization: resume must overwrite every parameter.
            Block block = TinyTasks.mlp(manager, 1234);
            TrainingResult r = Trainer.<Batch>builder(config(dir)).build()
                    .resume(new Regression(block), BatchSource.of(TRAIN), VALIDATION, dir);
            return new Outcome(TinyTasks.weights(block), r);
        }
    }

    private static void assertSame(Outcome a, Outcome b) {
        assertThat(b.weights()).hasSameSizeAs(a.weights());
        for (int i = 0; i < a.weights().size(); i++) {
            assertThat(b.weights().get(i)).containsExactly(a.weights().get(i));
        }
        assertThat(b.result().steps()).isEqualTo(a.result().steps()).isEqualTo(8);
        assertThat(b.result().epochs()).hasSize(2);
        for (int e = 0; e < 2; e++) {
            assertThat(b.result().epochs().get(e).trainLoss()).isEqualTo(a.result().epochs().get(e).trainLoss());
            assertThat(b.result().epochs().get(e).validationLoss())
                    .isEqualTo(a.result().epochs().get(e).validationLoss());
        }
    }

    @Test
    void resumeAfterFirstEpochEndsBitwiseEqual() throws Exception {
        Outcome straight = uninterrupted(tmp.resolve("a"));
        Outcome resumed = interruptedThenResumed(tmp.resolve("b"), new ProgressListener() {
            @Override
            public void onEpoch(EpochMetrics m) {
                throw new Interrupted();
            }
        });
        assertSame(straight, resumed);
        // The metrics file of the resumed run holds the whole history, like the uninterrupted one.
        assertThat(withoutTimes(tmp.resolve("b/metrics.jsonl")))
                .hasSize(8 + 2).isEqualTo(withoutTimes(tmp.resolve("a/metrics.jsonl")));
    }

    /** metrics.jsonl records without the wall-clock fields. */
    private static List<JsonNode> withoutTimes(Path file) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            ObjectNode n = (ObjectNode) json.readTree(line);
            n.remove(List.of("elapsedSeconds", "etaSeconds", "tokensPerSecond"));
            out.add(n);
        }
        return out;
    }

    @Test
    void resumeMidEpochEndsBitwiseEqual() throws Exception {
        Outcome straight = uninterrupted(tmp.resolve("a"));
        Path dir = tmp.resolve("b");
        TrainerConfig everyStep = config(dir).toBuilder().checkpointEverySteps(1).build();
        List<float[]> diverging = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = TinyTasks.mlp(manager, 9);
            assertThatThrownBy(() -> Trainer.<Batch>builder(everyStep).listener(new ProgressListener() {
                @Override
                public void onCheckpoint(Path checkpoint) {
                    if (checkpoint.getFileName().toString().equals("checkpoint-00000002")) {
                        throw new Interrupted(); // in the middle of epoch 1 (4 steps per epoch)
                    }
                }
            }).build().fit(new Regression(block), BatchSource.of(TRAIN), VALIDATION)).isInstanceOf(Interrupted.class);
            diverging.addAll(TinyTasks.weights(block));
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = TinyTasks.mlp(manager, 1234);
            TrainingResult r = Trainer.<Batch>builder(config(dir)).build()
                    .resume(new Regression(block), BatchSource.of(TRAIN), VALIDATION,
                            dir.resolve("checkpoint-00000002"));
            assertSame(straight, new Outcome(TinyTasks.weights(block), r));
        }
        assertThat(diverging).isNotEmpty();
    }

    @Test
    void nanLossStopsWithClearMessageAndKeepsLastGoodCheckpoint() throws Exception {
        Path dir = tmp.resolve("nan");
        List<List<float[]>> atCheckpoint = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = TinyTasks.linear(manager, 3);
            Regression nanAtFifthStep = new Regression(block) {
                int calls;

                @Override
                public NDArray loss(NDManager m, Batch b) {
                    NDArray loss = super.loss(m, b);
                    return ++calls == 5 ? loss.mul(Float.NaN) : loss;
                }
            };
            TrainerConfig config = TrainerConfig.builder().epochs(3).learningRate(0.01).checkpointDir(dir)
                    .checkpointEverySteps(2).keepLastCheckpoints(5).logEverySteps(1).build();
            assertThatThrownBy(() -> Trainer.<Batch>builder(config).listener(new ProgressListener() {
                @Override
                public void onCheckpoint(Path checkpoint) {
                    atCheckpoint.add(TinyTasks.weights(block));
                }
            }).build().fit(nanAtFifthStep, BatchSource.of(TinyTasks.data(3, 4, 5)), List.of()))
                    .isInstanceOfSatisfying(TrainingDivergedException.class, e -> {
                        assertThat(e.getMessage()).contains("loss is NaN", "epoch 2/3", "step 5/9",
                                "last good checkpoint", "checkpoint-00000004");
                        assertThat(e.epoch()).isEqualTo(2);
                        assertThat(e.step()).isEqualTo(5);
                        assertThat(e.lastCheckpoint()).isEqualTo(dir.resolve("checkpoint-00000004"));
                    });
            // Checkpoints at steps 2, 3 (end of epoch 1) and 4; nothing after the failure; the failing step did
            // not touch the parameters.
            try (var files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly(
                        "checkpoint-00000002", "checkpoint-00000003", "checkpoint-00000004", "loss.png",
                        "metrics.jsonl");
            }
            List<float[]> now = TinyTasks.weights(block);
            List<float[]> last = atCheckpoint.get(atCheckpoint.size() - 1);
            for (int i = 0; i < now.size(); i++) {
                assertThat(now.get(i)).containsExactly(last.get(i));
            }
            // The kept checkpoint is usable: resuming from it (with a task that behaves) finishes the run.
            TrainerConfig config2 = config;
            TrainingResult r = Trainer.<Batch>builder(config2).build()
                    .resume(new Regression(block), BatchSource.of(TinyTasks.data(3, 4, 5)), List.of(), dir);
            assertThat(r.steps()).isEqualTo(9);
        }
    }

    @Test
    void resumeRejectsMismatchedData() throws Exception {
        Path dir = tmp.resolve("m");
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = TinyTasks.linear(manager, 3);
            TrainerConfig config = TrainerConfig.builder().epochs(1).checkpointDir(dir).build();
            Trainer<Batch> trainer = Trainer.<Batch>builder(config).build();
            trainer.fit(new Regression(block), BatchSource.of(TinyTasks.data(3, 4, 5)), List.of());
            assertThatThrownBy(() -> trainer.resume(new Regression(block), BatchSource.of(TinyTasks.data(4, 4, 5)),
                    List.of(), dir)).hasMessageContaining("written for 3 training batches, the source has 4");
            assertThatThrownBy(() -> trainer.resume(new Regression(block), BatchSource.of(TinyTasks.data(3, 4, 5)),
                    List.of(), tmp.resolve("absent"))).isInstanceOf(java.nio.file.NoSuchFileException.class);
        }
    }
}
