package ai.kard.core.internal.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small DJL models and regression data for trainer tests. */
final class TinyTasks {

    static final int IN = 3;
    static final float[] TRUE_W = {2f, -1f, 0.5f};
    static final float TRUE_B = 0.3f;

    private TinyTasks() {}

    /** Rows of a regression batch; reports 10 "tokens" per row so tokens/s is exercised. */
    record Batch(float[][] x, float[] y) implements TokenCounted {
        @Override
        public long tokenCount() {
            return 10L * y.length;
        }
    }

    /** {@code count} batches of {@code rows} rows of y = x.w + b (+ noise), deterministic in {@code seed}. */
    static List<Batch> data(int count, int rows, long seed) {
        Random r = new Random(seed);
        List<Batch> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            float[][] x = new float[rows][IN];
            float[] y = new float[rows];
            for (int j = 0; j < rows; j++) {
                float s = TRUE_B;
                for (int k = 0; k < IN; k++) {
                    x[j][k] = (float) r.nextGaussian();
                    s += TRUE_W[k] * x[j][k];
                }
                y[j] = s + 0.01f * (float) r.nextGaussian();
            }
            out.add(new Batch(x, y));
        }
        return out;
    }

    /** Concatenates batches into one. */
    static Batch concat(List<Batch> batches) {
        List<float[]> x = new ArrayList<>();
        List<Float> y = new ArrayList<>();
        for (Batch b : batches) {
            x.addAll(List.of(b.x()));
            for (float v : b.y()) {
                y.add(v);
            }
        }
        float[] ys = new float[y.size()];
        for (int i = 0; i < ys.length; i++) {
            ys[i] = y.get(i);
        }
        return new Batch(x.toArray(new float[0][]), ys);
    }

    static Block linear(NDManager manager, int seed) {
        Block block = Linear.builder().setUnits(1).build();
        return init(block, manager, seed);
    }

    /** 2-layer MLP with dropout, so resumption must also restore the random stream. */
    static Block mlp(NDManager manager, int seed) {
        SequentialBlock block = new SequentialBlock()
                .add(Linear.builder().setUnits(16).build())
                .add(Activation.reluBlock())
                .add(Dropout.builder().optRate(0.2f).build())
                .add(Linear.builder().setUnits(1).build());
        return init(block, manager, seed);
    }

    private static Block init(Block block, NDManager manager, int seed) {
        Engine.getInstance().setRandomSeed(seed);
        block.setInitializer(new NormalInitializer(0.5f), Parameter.Type.WEIGHT);
        block.initialize(manager, DataType.FLOAT32, new Shape(1, IN));
        return block;
    }

    /** Mean squared error of the block's prediction. */
    static class Regression implements TrainingTask<Batch> {
        final Block block;

        Regression(Block block) {
            this.block = block;
        }

        @Override
        public Block block() {
            return block;
        }

        @Override
        public NDArray loss(NDManager m, Batch b) {
            return mse(m, b, true);
        }

        @Override
        public NDArray validationLoss(NDManager m, Batch b) {
            return mse(m, b, false);
        }

        NDArray mse(NDManager m, Batch b, boolean training) {
            NDArray x = m.create(b.x());
            NDArray y = m.create(b.y()).reshape(-1, 1);
            NDArray pred = block.forward(new ParameterStore(m, false), new NDList(x), training).singletonOrThrow();
            return pred.sub(y).square().mean();
        }
    }

    /** Copies of every parameter's values, in order. */
    static List<float[]> weights(Block block) {
        List<float[]> out = new ArrayList<>();
        block.getParameters().values().forEach(p -> out.add(p.getArray().toFloatArray()));
        return out;
    }

    /** Live native arrays in the whole process (all managers descend from the system manager). */
    static int liveArrays() {
        try (NDManager probe = NDManager.newBaseManager()) {
            return probe.getParentManager().getManagedArrays().size();
        }
    }
}
