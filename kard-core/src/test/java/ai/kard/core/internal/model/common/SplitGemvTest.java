package ai.kard.core.internal.model.common;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Products split across two cores equal one product, alone and from many threads, with and without bias. */
class SplitGemvTest {
    private static final int IN = 512;
    private static final int OUT = 2050; // 1,049,600 elements: above the split threshold, an odd half

    @Test
    void splitProductsEqualTheWholeProduct() throws Exception {
        Engine.getInstance();
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray weight = manager.randomNormal(new Shape(OUT, IN));
            NDArray bias = manager.randomNormal(new Shape(OUT));
            assertThat(weight.getShape().size()).isGreaterThanOrEqualTo(SplitGemv.MIN_ELEMENTS);
            for (Shape rows : List.of(new Shape(1, 1, IN), new Shape(SplitGemv.MAX_ROWS, IN), new Shape(3, IN))) {
                NDArray x = manager.randomNormal(rows);
                assertClose(SplitGemv.linear(x, weight), x.getNDArrayInternal().linear(x, weight, null)
                        .singletonOrThrow());
                assertClose(SplitGemv.linear(x, weight, bias), x.getNDArrayInternal().linear(x, weight, bias)
                        .singletonOrThrow());
            }
            NDArray x = manager.randomNormal(new Shape(1, IN));
            float[] expected = SplitGemv.linear(x, weight, bias).toFloatArray();
            ExecutorService callers = Executors.newFixedThreadPool(4);
            try {
                List<Future<float[]>> results = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    results.add(callers.submit(() -> {
                        JniUtils.setGradMode(false);
                        try (NDManager scope = manager.newSubManager()) {
                            NDArray local = x.duplicate();
                            local.attach(scope);
                            return SplitGemv.linear(local, weight, bias).toFloatArray();
                        }
                    }));
                }
                for (Future<float[]> result : results) {
                    assertThat(result.get()).containsExactly(expected);
                }
            } finally {
                callers.shutdownNow();
            }
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    private static void assertClose(NDArray actual, NDArray expected) {
        assertThat(actual.getShape()).isEqualTo(expected.getShape());
        float[] a = actual.toFloatArray();
        float[] e = expected.toFloatArray();
        for (int i = 0; i < a.length; i++) {
            assertThat(Math.abs(a[i] - e[i])).as("element %d", i).isLessThanOrEqualTo(1e-4f * (1 + Math.abs(e[i])));
        }
    }
}
