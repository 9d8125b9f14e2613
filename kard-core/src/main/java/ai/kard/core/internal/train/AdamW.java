package ai.kard.core.internal.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.kard.core.internal.model.common.NoGrad;
import java.util.ArrayList;
import java.util.List;

/**
 * AdamW with decoupled weight decay (Loshchilov and Hutter), the update of PyTorch's {@code torch.optim.AdamW}.
 *
 * <p>Written here rather than taken from DJL because the trainer must save and restore the moment estimates
 * and the step count for exact resumption, and DJL keeps them private. Parameters must be float32 (DJL
 * 0.36's PyTorch binding has no bfloat16; half-precision weights would also need float32 master copies).
 *
 * <p>{@link #step} creates temporaries that join the managers of long-lived arrays; call it inside an
 * {@link ai.djl.ndarray.NDScope} (the trainer does) so they are freed.
 */
public final class AdamW implements AutoCloseable {

    private final List<NDArray> params;
    private final NDManager stateManager;
    private final List<NDArray> m = new ArrayList<>();
    private final List<NDArray> v = new ArrayList<>();
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float weightDecay;
    private long step;

    /**
     * @param params the parameter arrays, updated in place
     * @param parent the manager under which the optimizer state lives (a sub-manager is created, closed by
     *     {@link #close})
     */
    public AdamW(List<NDArray> params, NDManager parent, double beta1, double beta2, double eps,
            double weightDecay) {
        this.params = List.copyOf(params);
        this.stateManager = parent.newSubManager();
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.eps = (float) eps;
        this.weightDecay = (float) weightDecay;
        for (NDArray p : this.params) {
            if (p.getDataType() != DataType.FLOAT32) {
                stateManager.close();
                throw new IllegalArgumentException("parameter of shape " + p.getShape() + " is "
                        + p.getDataType() + ": AdamW needs float32 parameters");
            }
            m.add(stateManager.zeros(p.getShape(), DataType.FLOAT32, p.getDevice()));
            v.add(stateManager.zeros(p.getShape(), DataType.FLOAT32, p.getDevice()));
        }
    }

    /** Number of updates applied so far (PyTorch's {@code state['step']}). */
    public long stepCount() {
        return step;
    }

    /**
     * Applies one update with learning rate {@code lr}; {@code grads.get(i)} is the gradient of parameter i.
     */
    public void step(List<NDArray> grads, double lr) {
        if (grads.size() != params.size()) {
            throw new IllegalArgumentException(grads.size() + " gradients for " + params.size() + " parameters");
        }
        step++;
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
        float stepSize = (float) (lr / bc1);
        float decay = (float) (1 - lr * weightDecay);
        for (int i = 0; i < params.size(); i++) {
            NDArray w = params.get(i);
            NDArray g = grads.get(i);
            if (weightDecay != 0f) {
                w.muli(decay);
            }
            m.get(i).muli(beta1).addi(g.mul(1 - beta1));
            v.get(i).muli(beta2).addi(g.square().muli(1 - beta2));
            NDArray denom = v.get(i).sqrt().divi((float) bc2Sqrt).addi(eps);
            w.subi(m.get(i).div(denom).muli(stepSize));
        }
    }

    /** The state to checkpoint: m and v of every parameter, interleaved in parameter order. */
    public NDList state() {
        NDList list = new NDList();
        for (int i = 0; i < params.size(); i++) {
            list.add(m.get(i));
            list.add(v.get(i));
        }
        return list;
    }

    /** Restores what {@link #state()} returned, copying the values into the live arrays. */
    public void load(NDList state, long stepCount) {
        int expected = 2 * params.size();
        if (state.size() != expected) {
            throw new IllegalArgumentException(
                    "optimizer state has " + state.size() + " arrays, expected " + expected);
        }
        int k = 0;
        for (int i = 0; i < params.size(); i++) {
            copyInto(state.get(k++), m.get(i), "m of parameter " + i);
            copyInto(state.get(k++), v.get(i), "v of parameter " + i);
        }
        this.step = stepCount;
    }

    /**
     * Copies {@code src} into {@code dst}'s own memory bit for bit (shape and data type must match). In place, not
     * by pointing {@code dst} at new storage: a parameter may be a view of a larger array (a BERT encoder's query,
     * key and value weights are row blocks of one fused matrix), which must see the restored values too.
     */
    public static void copyInto(NDArray src, NDArray dst, String what) {
        if (!src.getShape().equals(dst.getShape()) || src.getDataType() != dst.getDataType()) {
            throw new IllegalArgumentException(what + ": saved " + src.getDataType() + src.getShape()
                    + " does not match live " + dst.getDataType() + dst.getShape());
        }
        if (dst.getShape().dimension() == 0) {
            dst.set(src.toByteBuffer());
            return;
        }
        long[] from = new long[dst.getShape().dimension()];
        long[] to = dst.getShape().getShape();
        long[] step = new long[from.length];
        java.util.Arrays.fill(step, 1);
        // No autograd for the copy: dst may be a leaf that requires a gradient.
        try (NoGrad ignored = new NoGrad();
             NDArray value = src.toDevice(dst.getDevice(), true)) {
            JniUtils.indexSet((PtNDArray) dst, (PtNDArray) value, from, to, step);
        }
    }

    @Override
    public void close() {
        stateManager.close();
    }
}
