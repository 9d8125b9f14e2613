package ai.kard.core.internal.checkpoint;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * Where one tensor lives in a safetensors file.
 *
 * @param name   HF tensor name
 * @param dtype  safetensors dtype string: F32, F16, BF16, ...
 * @param shape  dimensions, row-major
 * @param file   the shard holding it
 * @param offset absolute byte offset of the data in {@code file}
 * @param length data length in bytes
 */
public record TensorInfo(String name, String dtype, long[] shape, Path file, long offset, long length) {
    public long elementCount() {
        long count = 1;
        for (long dim : shape) {
            count *= dim;
        }
        return count;
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape);
    }
}
