package ai.kard.core.internal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.kard.core.internal.train.TinyTasks.Batch;
import ai.kard.core.internal.train.TinyTasks.Regression;
import ai.kard.core.train.EpochMetrics;
import ai.kard.core.train.ProgressListener;
import ai.kard.core.train.StepMetrics;
import ai.kard.core.train.TrainingResult;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {

    @TempDir
    Path tmp;

    @Test
    void learnsLinearRegressionAndWritesMetricsAndPlot() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = TinyTasks.linear(manager, 1);
            List<Batch> train = TinyTasks.data(16, 8, 1);
            List<Batch> validation = TinyTasks.data(4, 8, 2);
            Path dir = tmp.resolve("run");
            List<StepMetrics> steps = new ArrayList<>();
            List<Integer> accuracyCalls = new ArrayList<>();
            TrainerConfig config = TrainerConfig.builder().epochs(6).learningRate(0.05).linearWarmupSteps(4)
                    .checkpointDir(dir).keepLastCheckpoints(2).logEverySteps(4).build();
            Trainer<Batch> trainer = Trainer.<Batch>builder(config)
                    .accuracy((m, val) -> {
                        accuracyCalls.add(val.size());
                        return 0.25 * accuracyCalls.size() % 1.0;
                    })
                    .listener(new ProgressListener() {
                        @Override
                        public void onStep(StepMetrics m) {
                            steps.add(m);
                        }
                    })
                    .build();
            TrainingResult result = trainer.fit(new Regression(block), BatchSource.of(train), validation);

            assertThat(result.steps()).isEqualTo(6 * 16);
            assertThat(result.epochs()).hasSize(6);
            EpochMetrics first = result.epochs().get(0);
            EpochMetrics last = result.last();
            assertThat(last.validationLoss()).isLessThan(first.validationLoss() / 10).isLessThan(0.01);
            assertThat(last.trainLoss()).isLessThan(first.trainLoss());
            assertThat(accuracyCalls).containsExactly(4, 4, 4, 4, 4, 4);
            assertThat(first.validationAccuracy()).isEqualTo(0.25);
            float[] w = block.getParameters().get("weight").getArray().toFloatArray();
            for (int k = 0; k < TinyTasks.IN; k++) {
                assertThat((double) w[k]).isCloseTo(TinyTasks.TRUE_W[k], within(0.05));
            }
            // Listener and log: every 4th step, with throughput from the TokenCounted batches.
            assertThat(steps).hasSize(6 * 16 / 4);
            assertThat(steps.get(0).step()).isEqualTo(4);
            assertThat(steps.get(0).learningRate()).isCloseTo(0.05, within(1e-12)); // end of warmup
            assertThat(steps.get(steps.size() - 1).learningRate()).isCloseTo(0.05 / 92, within(1e-9));
            assertThat(steps).allSatisfy(s -> assertThat(s.tokensPerSecond()).isPositive());
            assertThat(steps.get(steps.size() - 1).etaSeconds()).isZero();

            // Files: the last 2 checkpoints, metrics.jsonl with one line per log step and per epoch, a PNG.
            assertThat(Trainer.latestCheckpoint(dir)).contains(dir.resolve("checkpoint-00000096"));
            try (var files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                        .containsExactly("checkpoint-00000080", "checkpoint-00000096", "loss.png", "metrics.jsonl");
            }
            List<String> lines = Files.readAllLines(dir.resolve("metrics.jsonl"));
            assertThat(lines).hasSize(24 + 6);
            ObjectMapper json = new ObjectMapper();
            JsonNode epochLine = lines.stream().map(l -> parse(json, l))
                    .filter(n -> n.get("type").asText().equals("epoch"))
                    .reduce((a, b) -> b).orElseThrow();
            assertThat(epochLine.get("epoch").asInt()).isEqualTo(6);
            assertThat(epochLine.get("validationLoss").asDouble()).isCloseTo(last.validationLoss(), within(1e-12));
            byte[] png = Files.readAllBytes(dir.resolve("loss.png"));
            assertThat(png.length).isGreaterThan(1000);
            assertThat(new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
        }
    }

    private static JsonNode parse(ObjectMapper json, String line) {
        try {
            return json.readTree(line);
        } catch (Exception e) {
            throw new AssertionError(line, e);
        }
    }

    @Test
    void nativeArrayCountDoesNotGrowOverTwoHundredSteps() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = TinyTasks.mlp(manager, 3);
            List<Batch> train = TinyTasks.data(25, 4, 3);
            int paramManagerBefore = manager.getManagedArrays().size();
            List<Integer> live = new ArrayList<>();
            TrainerConfig config = TrainerConfig.builder().epochs(8).learningRate(1e-3).weightDecay(0.01)
                    .maxGradNorm(0.5).logEverySteps(1).build();
            Trainer<Batch> trainer = Trainer.<Batch>builder(config).listener(new ProgressListener() {
                @Override
                public void onStep(StepMetrics m) {
                    live.add(TinyTasks.liveArrays());
                }
            }).build();
            TrainingResult r = trainer.fit(new Regression(block), BatchSource.of(train), TinyTasks.data(3, 4, 4));
            assertThat(r.steps()).isEqualTo(200);
            assertThat(live).hasSize(200);
            assertThat(live.get(199)).isEqualTo(live.get(9));
            assertThat(live.stream().distinct().count()).isEqualTo(1);
            assertThat(manager.getManagedArrays()).hasSize(paramManagerBefore);
        }
    }

    @Test
    void gradientAccumulationEqualsOneBigBatch() throws Exception {
        List<Batch> micro = TinyTasks.data(4, 5, 7);
        List<float[]> accumulated;
        List<float[]> big;
        TrainerConfig base = TrainerConfig.builder().epochs(3).learningRate(0.1).weightDecay(0.1)
                .maxGradNorm(0.5).build(); // small threshold: clipping must apply to the summed gradient
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = TinyTasks.linear(manager, 5);
            Trainer.<Batch>builder(base.toBuilder().gradientAccumulation(4).build()).build()
                    .fit(new Regression(block), BatchSource.of(micro), List.of());
            accumulated = TinyTasks.weights(block);
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = TinyTasks.linear(manager, 5);
            Trainer.<Batch>builder(base).build()
                    .fit(new Regression(block), BatchSource.of(List.of(TinyTasks.concat(micro))), List.of());
            big = TinyTasks.weights(block);
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            // Without accumulation the 4 micro-batches make 4 steps: a different result, so the test can fail.
            Block block = TinyTasks.linear(manager, 5);
            Trainer.<Batch>builder(base).build().fit(new Regression(block), BatchSource.of(micro), List.of());
            assertThat(TinyTasks.weights(block).get(0)[0]).isNotCloseTo(big.get(0)[0], within(1e-3f));
        }
        for (int i = 0; i < big.size(); i++) {
            for (int j = 0; j < big.get(i).length; j++) {
                assertThat(accumulated.get(i)[j]).isCloseTo(big.get(i)[j], within(1e-6f));
            }
        }
    }

    @Test
    void shufflesEachEpochWithTheSeedAndPassesTheEpoch() throws Exception {
        List<Batch> data = TinyTasks.data(10, 2, 1);
        List<List<Integer>> seeded = new ArrayList<>();
        for (long seed : new long[] {5, 5, 6}) {
            List<Integer> seen = new ArrayList<>();
            BatchSource<Batch> source = new BatchSource<>() {
                @Override
                public int size() {
                    return data.size();
                }

                @Override
                public Batch batch(int index) {
                    throw new AssertionError("the trainer must call batch(index, epoch)");
                }

                @Override
                public Batch batch(int index, int epoch) {
                    seen.add(epoch * 100 + index);
                    return data.get(index);
                }
            };
            try (NDManager manager = NDManager.newBaseManager()) {
                Trainer.<Batch>builder(TrainerConfig.builder().epochs(2).seed(seed).build()).build()
                        .fit(new Regression(TinyTasks.linear(manager, 1)), source, List.of());
            }
            assertThat(seen.subList(0, 10)).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
            assertThat(seen.subList(10, 20)).containsExactlyInAnyOrder(100, 101, 102, 103, 104, 105, 106, 107, 108,
                    109);
            List<Integer> first = seen.subList(0, 10);
            List<Integer> second = seen.subList(10, 20).stream().map(i -> i - 100).toList();
            assertThat(second).isNotEqualTo(first);
            assertThat(first).isNotEqualTo(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
            seeded.add(seen);
        }
        assertThat(seeded.get(1)).isEqualTo(seeded.get(0));
        assertThat(seeded.get(2)).isNotEqualTo(seeded.get(0));
    }

    @Test
    void rejectsUninitializedBlocksAndNonScalarLoss() {
        TrainerConfig config = TrainerConfig.builder().epochs(1).build();
        Block raw = ai.djl.nn.core.Linear.builder().setUnits(1).build();
        assertThatThrownBy(() -> Trainer.<Batch>builder(config).build()
                .fit(new Regression(raw), BatchSource.of(TinyTasks.data(1, 2, 1)), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not initialized");
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = TinyTasks.linear(manager, 1);
            Regression vector = new Regression(block) {
                @Override
                public ai.djl.ndarray.NDArray loss(NDManager m, Batch b) {
                    return mse(m, b, true).reshape(1).repeat(3);
                }
            };
            assertThatThrownBy(() -> Trainer.<Batch>builder(config).build()
                    .fit(vector, BatchSource.of(TinyTasks.data(1, 2, 1)), List.of()))
                    .hasMessageContaining("loss must be a scalar, got shape (3)");
            assertThatThrownBy(() -> Trainer.<Batch>builder(config).build()
                    .fit(new Regression(block), BatchSource.of(List.of()), List.of()))
                    .hasMessageContaining("0 batches");
        }
    }
}
