package ai.kard.core.internal.model.common;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;

/**
 * Rotary position embeddings, HF default type, split-half layout: {@code x' = x cos + rotate_half(x) sin} with
 * {@code rotate_half(x) = concat(-x[d/2:], x[:d/2])} and {@code angle = position * theta^(-2i/d)}.
 */
public final class Rope {
    private final float[] inverseFrequencies;

    /** {@code inverseFrequencies[i]} for {@code i < headDim / 2}, possibly rescaled (Llama 3). */
    public Rope(float[] inverseFrequencies) {
        this.inverseFrequencies = inverseFrequencies.clone();
    }

    /** HF's default inverse frequencies, computed in float32 as HF does. */
    public static float[] defaultFrequencies(double theta, int headDim) {
        float[] inv = new float[headDim / 2];
        for (int i = 0; i < inv.length; i++) {
            float exponent = (float) (2 * i) / headDim;
            inv[i] = (float) (1.0 / (float) Math.pow(theta, exponent));
        }
        return inv;
    }

    /** {@code cos} and {@code sin}, each {@code [B, T, 1, d]}, for int64 {@code positions [B, T]}. */
    public NDList cosSin(NDArray positions, DataType type) {
        NDArray inv = positions.getManager().create(inverseFrequencies);
        NDArray angle = positions.toType(DataType.FLOAT32, false).expandDims(-1).mul(inv);
        NDArray doubled = angle.concat(angle, -1).expandDims(2);
        NDArray cos = doubled.cos();
        NDArray sin = doubled.sin();
        if (type != DataType.FLOAT32) {
            cos = cos.toType(type, false);
            sin = sin.toType(type, false);
        }
        return new NDList(cos, sin);
    }

    /** Rotates {@code x [B, T, heads, d]}. */
    public static NDArray apply(NDArray x, NDList cosSin) {
        NDList halves = x.split(2, x.getShape().dimension() - 1);
        NDArray rotated = halves.get(1).neg().concat(halves.get(0), -1);
        return x.mul(cosSin.get(0)).add(rotated.mul(cosSin.get(1)));
    }
}
