package ai.kard.core.internal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdamWTest {

    /** Reference AdamW (PyTorch's formula) in doubles. */
    private static double[] reference(double[] p, double[][] grads, double lr, double wd) {
        double b1 = 0.9, b2 = 0.999, eps = 1e-8;
        double[] w = p.clone(), m = new double[p.length], v = new double[p.length];
        for (int t = 1; t <= grads.length; t++) {
            double[] g = grads[t - 1];
            for (int i = 0; i < w.length; i++) {
                w[i] *= 1 - lr * wd;
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                double denom = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(b2, t)) + eps;
                w[i] -= lr / (1 - Math.pow(b1, t)) * m[i] / denom;
            }
        }
        return w;
    }

    private static final double[][] GRADS = {{0.5, -1.0, 2.0}, {0.1, 0.3, -0.7}, {-2.0, 0.0, 1.5}};

    @Test
    void matchesReferenceWithDecoupledDecay() {
        double[] expected = reference(new double[] {1, -2, 3}, GRADS, 0.1, 0.05);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray p = manager.create(new float[] {1, -2, 3});
            try (AdamW opt = new AdamW(List.of(p), manager, 0.9, 0.999, 1e-8, 0.05)) {
                for (double[] g : GRADS) {
                    try (NDScope scope = new NDScope()) {
                        scope.suppressNotUsedWarning();
                        opt.step(List.of(manager.create(toFloat(g))), 0.1);
                    }
                }
                assertThat(opt.stepCount()).isEqualTo(3);
            }
            float[] got = p.toFloatArray();
            for (int i = 0; i < got.length; i++) {
                assertThat((double) got[i]).isCloseTo(expected[i], within(1e-5));
            }
            // Decoupled decay differs from L2-in-the-gradient (DJL's Adam): the decay must matter here.
            double[] noDecay = reference(new double[] {1, -2, 3}, GRADS, 0.1, 0.0);
            assertThat(Math.abs(noDecay[2] - expected[2])).isGreaterThan(1e-3);
        }
    }

    @Test
    void stateRoundTripContinuesIdentically() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = manager.create(new float[] {1, -2, 3});
            NDArray b = manager.create(new float[] {1, -2, 3});
            try (AdamW optA = new AdamW(List.of(a), manager, 0.9, 0.999, 1e-8, 0.01);
                    AdamW optB = new AdamW(List.of(b), manager, 0.9, 0.999, 1e-8, 0.01)) {
                step(manager, optA, GRADS[0]);
                step(manager, optB, GRADS[0]);
                NDList saved = NDList.decode(manager, optA.state().encode());
                try (AdamW optC = new AdamW(List.of(b), manager, 0.9, 0.999, 1e-8, 0.01)) {
                    optC.load(saved, optA.stepCount());
                    step(manager, optA, GRADS[1]);
                    step(manager, optC, GRADS[1]);
                }
            }
            assertThat(b.toFloatArray()).containsExactly(a.toFloatArray());
        }
    }

    private static void step(NDManager manager, AdamW opt, double[] g) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            opt.step(List.of(manager.create(toFloat(g))), 0.1);
        }
    }

    static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
