package ai.kard.core.internal.model.common;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.kard.core.internal.checkpoint.SafetensorsStore;
import ai.kard.core.internal.checkpoint.WeightLoader;
import ai.kard.core.model.ModelOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/** Loading or randomly initialising the tensors an architecture lists as {@link TensorSpec}s. */
public final class Checkpoints {
    private Checkpoints() {
    }

    /**
     * Loads every spec'd tensor from the safetensors of {@code folder}; {@code customize} adds aliases, prefixes
     * and ignored names. Missing tensors are all named in one {@link ai.kard.core.checkpoint.CheckpointException}.
     */
    public static Map<String, NDArray> load(Path folder, List<TensorSpec> specs,
            UnaryOperator<WeightLoader> customize, NDManager manager, DataType type) throws IOException {
        WeightLoader loader = new WeightLoader();
        for (TensorSpec spec : specs) {
            loader.expect(spec.name(), spec.shape());
        }
        return customize.apply(loader).load(SafetensorsStore.open(folder), folder, manager, type);
    }

    /**
     * Seeded random weights: normal(0, {@code std}) matrices, ones for norm weights, zeros for biases. Each tensor
     * draws from its own stream (seed, name), so adding a layer does not change the others.
     */
    public static Map<String, NDArray> random(List<TensorSpec> specs, long seed, double std, NDManager manager,
            DataType type) {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        for (TensorSpec spec : specs) {
            long size = spec.size();
            if (size > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("tensor " + spec + " is too large to initialise in one array");
            }
            float[] values = new float[(int) size];
            switch (spec.init()) {
                case ONES -> java.util.Arrays.fill(values, 1f);
                case ZEROS -> { }
                case NORMAL -> {
                    SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + spec.name().hashCode());
                    for (int i = 0; i < values.length; i++) {
                        values[i] = (float) (random.nextGaussian() * std);
                    }
                }
                default -> throw new IllegalStateException(spec.init().toString());
            }
            NDArray array = manager.create(values, new Shape(spec.shape()));
            arrays.put(spec.name(), type == DataType.FLOAT32 ? array : convert(array, type));
        }
        return arrays;
    }

    private static NDArray convert(NDArray array, DataType type) {
        NDArray converted = array.toType(type, false);
        array.close();
        return converted;
    }

    /** A block whose parameters are {@code arrays} in spec order. */
    public static ParameterBlock block(List<TensorSpec> specs, Map<String, NDArray> arrays) {
        ParameterBlock block = new ParameterBlock();
        for (TensorSpec spec : specs) {
            block.add(spec.name(), arrays.get(spec.name()));
        }
        return block;
    }

    /** Builds a model on a manager it will own. */
    @FunctionalInterface
    public interface OwnedBuild<M> {
        M build(NDManager manager) throws IOException;
    }

    /**
     * Runs {@code build} on a new base manager for {@code options.device()}; the manager is closed when building
     * fails, and otherwise belongs to the model that was built.
     */
    public static <M> M withOwnedManager(ModelOptions options, OwnedBuild<M> build) throws IOException {
        NDManager manager = NDManager.newBaseManager(options.device());
        try {
            return build.build(manager);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }
}
