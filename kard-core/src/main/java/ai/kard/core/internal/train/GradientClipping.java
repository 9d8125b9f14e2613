package ai.kard.core.internal.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.List;

/**
 * Global-norm gradient clipping over all parameters at once, as PyTorch's {@code clip_grad_norm_}: the
 * L2 norm of the concatenation of every gradient; when it exceeds {@code maxNorm}, every gradient is scaled
 * by {@code maxNorm / (norm + 1e-6)}. DJL only clips element-wise, per parameter.
 */
public final class GradientClipping {

    private GradientClipping() {}

    /**
     * Computes the global norm and, when {@code maxNorm > 0} and the norm exceeds it, scales the gradients
     * in place. Returns the norm BEFORE clipping (NaN or infinite when a gradient is). Call inside an
     * NDScope: the temporaries join the gradients' managers.
     */
    public static double clip(List<NDArray> grads, double maxNorm) {
        double sumSquares = 0;
        NDArray total = null;
        for (NDArray g : grads) {
            NDArray s = g.toType(DataType.FLOAT32, false).square().sum();
            total = total == null ? s : total.addi(s);
        }
        if (total != null) {
            sumSquares = total.getFloat();
        }
        double norm = Math.sqrt(sumSquares);
        if (maxNorm > 0 && Double.isFinite(norm) && norm > maxNorm) {
            float coef = (float) (maxNorm / (norm + 1e-6));
            for (NDArray g : grads) {
                g.muli(coef);
            }
        }
        return norm;
    }
}
