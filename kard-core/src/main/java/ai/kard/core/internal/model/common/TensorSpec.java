package ai.kard.core.internal.model.common;

import java.util.Arrays;

/**
 * One weight a model expects: its HF name, shape and how a from-scratch model initialises it.
 *
 * @param name  HF tensor name, as HF writes it
 * @param shape tensor shape
 * @param init  random-init rule
 */
public record TensorSpec(String name, long[] shape, Init init) {

    /** HF's {@code _init_weights}: normal(0, initializer_range) for matrices, ones / zeros for norms and biases. */
    public enum Init { NORMAL, ONES, ZEROS }

    public static TensorSpec normal(String name, long... shape) {
        return new TensorSpec(name, shape, Init.NORMAL);
    }

    public static TensorSpec ones(String name, long... shape) {
        return new TensorSpec(name, shape, Init.ONES);
    }

    public static TensorSpec zeros(String name, long... shape) {
        return new TensorSpec(name, shape, Init.ZEROS);
    }

    public long size() {
        return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
