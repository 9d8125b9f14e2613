package ai.kard.core.internal.model.common;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Engine-owned arrays for anything autograd may keep until the backward pass.
 *
 * <p>DJL 0.36's PyTorch engine wraps Java buffers without copying: {@code NDManager.create(float[] / int[] /
 * long[] ...)} and the scalar operand made by {@code mul(Number)}, {@code div(Number)}, {@code add(Number)},
 * {@code sub(Number)}, {@code pow(Number)}, {@code maximum(Number)} point into a direct buffer that is freed once
 * the array is closed and garbage-collected. Autograd keeps embedding / gather indices and multiplication or
 * division operands for the backward pass, so a GC between forward and backward turned them into garbage
 * (intermittent NaN gradients). These helpers give tensors whose memory libtorch owns.
 */
public final class EngineArrays {
    private EngineArrays() {
    }

    /** An engine-owned copy of {@code array} (same manager); {@code array} is closed. */
    public static NDArray owned(NDArray array) {
        NDArray copy = array.duplicate();
        array.close();
        return copy;
    }

    /** An engine-owned scalar of {@code like}'s type, in {@code like}'s manager, to use as an operand. */
    public static NDArray constant(NDArray like, double value) {
        NDArray scalar = like.getManager().create((float) value);
        NDArray typed = scalar.toType(like.getDataType(), true);
        scalar.close();
        return owned(typed);
    }

    /** {@code manager.create(values, shape)} as an engine-owned array. */
    public static NDArray of(NDManager manager, float[] values, Shape shape) {
        return owned(manager.create(values, shape));
    }

    /** {@code manager.create(values, shape)} (int64) as an engine-owned array. */
    public static NDArray of(NDManager manager, long[] values, Shape shape) {
        return owned(manager.create(values, shape));
    }

    /** {@code array} converted to {@code type} as a new engine-owned array; {@code array} is left open. */
    public static NDArray copyAs(NDArray array, DataType type) {
        // toType may hand back a view of the same storage; duplicate() always clones it.
        NDArray converted = array.toType(type, false);
        return converted == array ? array.duplicate() : owned(converted);
    }

    /**
     * A view (no copy) of {@code array}'s positions {@code start..end-1} along {@code axis}, owned by
     * {@code owner}: writes through either are seen by both, which in-place caches and fused weights rely on.
     */
    public static NDArray view(NDArray array, int axis, long start, long end, NDManager owner) {
        NDArray view = JniUtils.slice((PtNDArray) array, axis, start, end, 1);
        view.attach(owner);
        return view;
    }
}
