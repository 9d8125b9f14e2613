package ai.kard.core.internal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.Test;

class GradientClippingTest {

    @Test
    void clipsByGlobalNormOverAllParameters() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray g1 = manager.create(new float[] {3, 4});          // squares 9 + 16
            NDArray g2 = manager.create(new float[][] {{12}, {0}});   // 144 -> global norm 13
            double norm = GradientClipping.clip(List.of(g1, g2), 6.5);
            assertThat(norm).isCloseTo(13, within(1e-5));
            double coef = 6.5 / (13 + 1e-6);
            assertThat((double) g1.getFloat(0)).isCloseTo(3 * coef, within(1e-5));
            assertThat((double) g1.getFloat(1)).isCloseTo(4 * coef, within(1e-5));
            assertThat((double) g2.getFloat(0, 0)).isCloseTo(12 * coef, within(1e-5));
            // Per-parameter clipping would leave g1 (norm 5 < 6.5) untouched; global clipping must not.
            assertThat(g1.getFloat(0)).isLessThan(3f);
            assertThat(GradientClipping.clip(List.of(g1, g2), 0)).isCloseTo(6.5, within(1e-4));
        }
    }

    @Test
    void leavesSmallGradientsAndReportsNan() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray g = manager.create(new float[] {0.3f, 0.4f});
            assertThat(GradientClipping.clip(List.of(g), 1.0)).isCloseTo(0.5, within(1e-6));
            assertThat(g.toFloatArray()).containsExactly(0.3f, 0.4f);
            NDArray bad = manager.create(new float[] {Float.NaN, 1});
            assertThat(GradientClipping.clip(List.of(bad), 1.0)).isNaN();
        }
    }
}
