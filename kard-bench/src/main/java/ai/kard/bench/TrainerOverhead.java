package ai.kard.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.kard.core.internal.train.BatchSource;
import ai.kard.core.internal.train.Trainer;
import ai.kard.core.internal.train.TrainerConfig;
import ai.kard.core.internal.train.TrainingTask;
import ai.kard.core.internal.train.AdamW;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Steps per second of the Kard {@link Trainer} against a bare loop (gradient collector, backward, the same
 * AdamW, no clipping, seeding, metrics or loss read-back) on MLPs: the per-step overhead of the trainer.
 * Usage: {@code ./bench TrainerOverhead [steps]}.
 */
public final class TrainerOverhead {

    record Batch(float[][] x, float[] y) {}

    public static void main(String[] args) throws Exception {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        System.out.printf("%-8s %-6s %-6s %14s %14s %10s%n", "width", "batch", "steps", "bare steps/s",
                "trainer st/s", "overhead");
        List<Batch> warmup = data(30, 32, 64);
        bare(64, warmup);
        trainer(64, warmup);
        for (int width : new int[] {64, 512}) {
            List<Batch> data = data(steps, 32, 64);
            double bare = bare(width, data);
            double trainer = trainer(width, data);
            System.out.printf("%-8d %-6d %-6d %14.1f %14.1f %9.1f%%%n", width, 32, steps, bare, trainer,
                    100 * (bare / trainer - 1));
        }
    }

    private static Block mlp(NDManager m, int width) {
        Engine.getInstance().setRandomSeed(1);
        Block b = new SequentialBlock().add(Linear.builder().setUnits(width).build()).add(Activation.reluBlock())
                .add(Linear.builder().setUnits(width).build()).add(Activation.reluBlock())
                .add(Linear.builder().setUnits(1).build());
        b.initialize(m, DataType.FLOAT32, new Shape(1, 64));
        return b;
    }

    private static NDArray loss(Block block, NDManager m, Batch b) {
        NDArray x = m.create(b.x());
        NDArray y = m.create(b.y()).reshape(-1, 1);
        return block.forward(new ParameterStore(m, false), new NDList(x), true).singletonOrThrow()
                .sub(y).square().mean();
    }

    private static double bare(int width, List<Batch> data) {
        try (NDManager m = NDManager.newBaseManager()) {
            Block block = mlp(m, width);
            List<NDArray> params = new ArrayList<>();
            block.getParameters().values().forEach(p -> params.add(p.getArray()));
            try (AdamW opt = new AdamW(params, m, 0.9, 0.999, 1e-8, 0)) {
                long t0 = System.nanoTime();
                for (Batch b : data) {
                    try (NDScope scope = new NDScope(); NDManager s = m.newSubManager()) {
                        scope.suppressNotUsedWarning();
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            gc.backward(loss(block, s, b));
                        }
                        List<NDArray> grads = new ArrayList<>();
                        for (NDArray p : params) {
                            grads.add(p.getGradient());
                        }
                        opt.step(grads, 1e-3);
                        for (NDArray g : grads) {
                            g.subi(g);
                        }
                    }
                }
                return data.size() / ((System.nanoTime() - t0) / 1e9);
            }
        }
    }

    private static double trainer(int width, List<Batch> data) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Block block = mlp(m, width);
            TrainingTask<Batch> task = new TrainingTask<>() {
                @Override
                public Block block() {
                    return block;
                }

                @Override
                public NDArray loss(NDManager s, Batch b) {
                    return TrainerOverhead.loss(block, s, b);
                }
            };
            TrainerConfig config = TrainerConfig.builder().epochs(1).learningRate(1e-3).maxGradNorm(1.0)
                    .logEverySteps(50).build();
            long t0 = System.nanoTime();
            Trainer.<Batch>builder(config).build().fit(task, BatchSource.of(data), List.of());
            return data.size() / ((System.nanoTime() - t0) / 1e9);
        }
    }

    private static List<Batch> data(int count, int rows, int in) {
        Random r = new Random(1);
        List<Batch> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            float[][] x = new float[rows][in];
            float[] y = new float[rows];
            for (int j = 0; j < rows; j++) {
                for (int k = 0; k < in; k++) {
                    x[j][k] = (float) r.nextGaussian();
                }
                y[j] = x[j][0] - x[j][1];
            }
            out.add(new Batch(x, y));
        }
        return out;
    }
}
