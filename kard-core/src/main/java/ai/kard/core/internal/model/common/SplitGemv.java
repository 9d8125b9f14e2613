package ai.kard.core.internal.model.common;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * {@code x W^T (+ b)} for a few rows (decoding one token per sequence) on two cores. PyTorch's CPU matrix-vector
 * product runs on one core whatever its thread count, and for a weight larger than the caches that core streams it
 * from memory at about 14 GB/s on the development machine, where two cores stream about 25 GB/s: so a large weight's
 * two row halves are multiplied at once, one on the caller's thread and one on a helper thread, and the halves
 * joined. Each output is the same dot product as in one product.
 *
 * <p>Only for inference (no autograd on the calling thread) on the CPU, with at most {@value #MAX_ROWS} rows and a
 * weight of at least {@value #MIN_ELEMENTS} elements; otherwise, on a machine with one core, or with
 * {@code -Dkard.splitGemv=false}, the plain product. When the helper is busy with another thread's product, the
 * caller computes both halves itself, so a product's values never depend on timing.
 */
public final class SplitGemv {
    /** Rows up to which a product is weight-bound (reading the weight costs more than the arithmetic). */
    static final int MAX_ROWS = 8;
    /** Weights smaller than this (4 MB in float32) mostly come from the caches: splitting would not pay. */
    static final long MIN_ELEMENTS = 1L << 20;
    /** System property that turns splitting off ({@code -Dkard.splitGemv=false}), for comparisons. */
    public static final String PROPERTY = "kard.splitGemv";
    /** Read once: the check runs on every linear of every decoding step. */
    private static final boolean ENABLED = Runtime.getRuntime().availableProcessors() >= 2
            && Boolean.parseBoolean(System.getProperty(PROPERTY, "true"));
    private static final Semaphore HELPER_FREE = new Semaphore(1);
    private static volatile ExecutorService helper;

    private SplitGemv() {
    }

    /**
     * {@code x W^T} ({@code x [..., in]}, {@code weight [out, in]}), in {@code x}'s manager.
     *
     * @param x the input rows
     * @param weight the weight, PyTorch layout
     * @return {@code [..., out]}
     */
    public static NDArray linear(NDArray x, NDArray weight) {
        return linear(x, weight, null);
    }

    /**
     * {@code x W^T + b} ({@code bias [out]} or null), in {@code x}'s manager.
     *
     * @param x the input rows
     * @param weight the weight, PyTorch layout
     * @param bias the bias, or null
     * @return {@code [..., out]}
     */
    public static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        if (!worthSplitting(x, weight)) {
            return plain(x, weight, bias);
        }
        NDManager scope = x.getManager();
        long out = weight.getShape().get(0);
        long half = out / 2;
        NDArray[] top = {EngineArrays.view(weight, 0, 0, half, scope),
            bias == null ? null : EngineArrays.view(bias, 0, 0, half, scope)};
        NDArray[] bottom = {EngineArrays.view(weight, 0, half, out, scope),
            bias == null ? null : EngineArrays.view(bias, 0, half, out, scope)};
        NDArray first;
        NDArray rest;
        // Always two halves, so the values never depend on whether the helper was free: when another thread has
        // it, the caller computes both halves itself.
        if (HELPER_FREE.tryAcquire()) {
            try {
                Future<NDArray> second = helper().submit(() -> {
                    JniUtils.setGradMode(false); // grad mode is per thread in PyTorch
                    return plain(x, bottom[0], bottom[1]);
                });
                first = plain(x, top[0], top[1]);
                rest = join(second);
            } finally {
                HELPER_FREE.release();
            }
        } else {
            first = plain(x, top[0], top[1]);
            rest = plain(x, bottom[0], bottom[1]);
        }
        NDArray joined = first.concat(rest, -1);
        for (NDArray temporary : new NDArray[] {first, rest, top[0], top[1], bottom[0], bottom[1]}) {
            if (temporary != null) {
                temporary.close();
            }
        }
        return joined;
    }

    private static boolean worthSplitting(NDArray x, NDArray weight) {
        if (!ENABLED || JniUtils.isGradMode() || !Device.Type.CPU.equals(x.getDevice().getDeviceType())) {
            return false;
        }
        Shape shape = x.getShape();
        long rows = shape.size() / shape.get(shape.dimension() - 1);
        return rows <= MAX_ROWS && weight.getShape().size() >= MIN_ELEMENTS && weight.getShape().get(0) >= 2;
    }

    private static NDArray join(Future<NDArray> second) {
        try {
            return second.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the second half of a product ran", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(cause);
        }
    }

    private static NDArray plain(NDArray x, NDArray weight, NDArray bias) {
        return x.getNDArrayInternal().linear(x, weight, bias).singletonOrThrow();
    }

    private static ExecutorService helper() {
        ExecutorService pool = helper;
        if (pool == null) {
            synchronized (SplitGemv.class) {
                pool = helper;
                if (pool == null) {
                    pool = Executors.newSingleThreadExecutor(task -> {
                        Thread thread = new Thread(task, "kard-split-gemv");
                        thread.setDaemon(true);
                        return thread;
                    });
                    helper = pool;
                }
            }
        }
        return pool;
    }
}
