package ai.kard.core.rerank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SimilarityPreservingProjectionTest {
    @Test
    void rowsAreOrthogonalWithTheScaleThatKeepsDotProducts() {
        int dim = 8;
        int hidden = 32;
        float[] w = LateInteractionScorer.similarityPreservingProjection(dim, hidden, 5);
        double scale2 = hidden / (double) dim;
        for (int a = 0; a < dim; a++) {
            for (int b = 0; b < dim; b++) {
                double dot = 0;
                for (int c = 0; c < hidden; c++) {
                    dot += w[a * hidden + c] * w[b * hidden + c];
                }
                assertThat(dot).isCloseTo(a == b ? scale2 : 0, within(1e-4));
            }
        }
        assertThat(LateInteractionScorer.similarityPreservingProjection(dim, hidden, 5)).isEqualTo(w);
        assertThatThrownBy(() -> LateInteractionScorer.similarityPreservingProjection(33, 32, 5))
                .hasMessageContaining("dim <= hidden");
    }

    @Test
    void atFullWidthEveryDotProductIsKept() {
        int hidden = 24;
        float[] w = LateInteractionScorer.similarityPreservingProjection(hidden, hidden, 9);
        SplittableRandom random = new SplittableRandom(1);
        double[] x = random.doubles(hidden).toArray();
        double[] y = random.doubles(hidden).toArray();
        double expected = 0;
        double actual = 0;
        double[] px = new double[hidden];
        double[] py = new double[hidden];
        for (int r = 0; r < hidden; r++) {
            for (int c = 0; c < hidden; c++) {
                px[r] += w[r * hidden + c] * x[c];
                py[r] += w[r * hidden + c] * y[c];
            }
        }
        for (int i = 0; i < hidden; i++) {
            expected += x[i] * y[i];
            actual += px[i] * py[i];
        }
        assertThat(actual).isCloseTo(expected, within(1e-4));
    }
}
