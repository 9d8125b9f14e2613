package ai.kard.core.internal.model.common;

import static ai.kard.core.internal.model.common.EngineArrays.constant;
import static ai.kard.core.internal.model.common.EngineArrays.owned;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.norm.LayerNorm;
import ai.kard.core.internal.model.Dropout;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The NDArray building blocks shared by the decoder-only architectures. Every op takes the activation as its
 * first operand so that results join the call's scoped manager, never the model's (DJL attaches an op's output
 * to its first input's manager).
 */
public final class Ops {
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

    private Ops() {
    }

    /** {@code x · wᵀ + b} (nn.Linear); {@code bias} may be null. */
    public static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        // Decoding one token is weight-bound: large weights are split across two cores (see SplitGemv).
        return SplitGemv.linear(x, weight, bias);
    }

    /** {@code x · w + b} with {@code w} stored {@code [in, out]} (GPT-2's Conv1D). */
    public static NDArray conv1d(NDArray x, NDArray weight, NDArray bias) {
        NDArray y = x.matMul(weight);
        return bias == null ? y : y.add(bias);
    }

    /** Rows of {@code weight} for the int64 {@code ids}. */
    public static NDArray embedding(NDArray ids, NDArray weight) {
        return Embedding.embedding(ids, weight, SparseFormat.DENSE).singletonOrThrow();
    }

    /** {@code w * x / sqrt(mean(x²) + eps)} over the last axis (Llama/Qwen2/T5 RMSNorm). */
    public static NDArray rmsNorm(NDArray x, NDArray weight, double eps) {
        NDArray variance = x.square().mean(new int[] {-1}, true);
        return x.div(variance.add((float) eps).sqrt()).mul(weight);
    }

    /** LayerNorm over the last axis with weight and bias. */
    public static NDArray layerNorm(NDArray x, NDArray weight, NDArray bias, double eps) {
        return LayerNorm.layerNorm(x, new Shape(weight.getShape().get(0)), weight, bias, (float) eps)
                .singletonOrThrow();
    }

    /** HF activation by {@code hidden_act} / {@code activation_function} name. */
    public static UnaryOperator<NDArray> activation(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "silu", "swish" -> x -> x.mul(Activation.sigmoid(x));
            case "relu" -> Activation::relu;
            case "gelu" -> Activation::gelu;
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> Ops::geluTanh;
            default -> throw new IllegalArgumentException("activation \"" + name
                    + "\" is not supported; use silu, relu, gelu or gelu_new");
        };
    }

    /** {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x³)))} (HF {@code gelu_new}). */
    public static NDArray geluTanh(NDArray x) {
        NDArray inner = x.mul(x).mul(x).mul(constant(x, 0.044715)).add(x).mul(constant(x, SQRT_2_OVER_PI));
        return x.mul(constant(x, 0.5)).mul(inner.tanh().add(1f));
    }

    /**
     * Scaled dot-product attention with grouped KV heads. {@code q} is {@code [B, T, H, d]}; {@code k}, {@code v}
     * are {@code [B, KV, S, d]}; query head {@code h} reads KV head {@code h / (H / KV)} (contiguous groups, HF
     * {@code repeat_kv}). {@code mask} is additive {@code [B, 1, 1, T, S]}. Returns {@code [B, T, H * d]}.
     */
    public static NDArray attention(NDArray q, NDArray k, NDArray v, NDArray mask, float scale) {
        return attention(q, k, v, mask, scale, Dropout.OFF, 0);
    }

    /**
     * As {@link #attention(NDArray, NDArray, NDArray, NDArray, float)}, dropping attention probabilities (after the
     * softmax, before the product with {@code v}) with {@code dropout} at the configured {@code probability}, as
     * HF's {@code eager_attention_forward} does.
     */
    public static NDArray attention(NDArray q, NDArray k, NDArray v, NDArray mask, float scale, Dropout dropout,
            double probability) {
        Shape qs = q.getShape();
        long b = qs.get(0);
        long t = qs.get(1);
        long h = qs.get(2);
        long d = qs.get(3);
        long kv = k.getShape().get(1);
        long s = k.getShape().get(2);
        long g = h / kv;
        NDArray grouped = q.reshape(b, t, kv, g, d).transpose(0, 2, 3, 1, 4).reshape(b, kv, g * t, d);
        if (scale != 1f) {
            grouped = grouped.mul(constant(grouped, scale));
        }
        NDArray scores = grouped.matMul(k.transpose(0, 1, 3, 2)).reshape(b, kv, g, t, s).add(mask);
        NDArray probs = dropout.apply(scores.softmax(-1), probability).reshape(b, kv, g * t, s);
        return probs.matMul(v).reshape(b, kv, g, t, d).transpose(0, 3, 1, 2, 4).reshape(b, t, h * d);
    }

    /** The most negative finite value of {@code type}: HF's additive mask value. */
    public static float maskValue(DataType type) {
        return switch (type) {
            case FLOAT16 -> -65504f;
            case BFLOAT16 -> -3.3895314e38f;
            default -> -Float.MAX_VALUE;
        };
    }

    /**
     * Additive attention mask {@code [B, 1, 1, T, S]}: query {@code t} (absolute index {@code past + t}) may see
     * key {@code s} when {@code s <= past + t} and {@code keyMask[b][s] == 1}.
     */
    public static NDArray causalMask(NDManager manager, int[][] keyMask, int keys, int past, int queries,
            DataType type) {
        int batch = keyMask.length;
        float masked = maskValue(type == DataType.BFLOAT16 || type == DataType.FLOAT16 ? type : DataType.FLOAT32);
        float[] values = new float[batch * queries * keys];
        int i = 0;
        for (int row = 0; row < batch; row++) {
            for (int t = 0; t < queries; t++) {
                for (int s = 0; s < keys; s++) {
                    values[i++] = s <= past + t && keyMask[row][s] == 1 ? 0f : masked;
                }
            }
        }
        NDArray mask = manager.create(values, new Shape(batch, 1, 1, queries, keys));
        return type == DataType.FLOAT32 ? mask : mask.toType(type, false);
    }

    /** An int64 {@code [rows, columns]} array of ids. */
    public static NDArray ids(NDManager manager, int[][] values, int columns) {
        long[] flat = new long[values.length * columns];
        for (int r = 0; r < values.length; r++) {
            for (int c = 0; c < columns; c++) {
                flat[r * columns + c] = values[r][c];
            }
        }
        return owned(manager.create(flat, new Shape(values.length, columns)));
    }


}
