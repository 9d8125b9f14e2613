package ai.kard.core.rerank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class TemperatureScheduleTest {
    private static final Offset<Double> EPS = Offset.offset(1e-9);

    @Test
    void followsTheSigmoidRampFromStartToEnd() {
        TemperatureSchedule tau1 = new TemperatureSchedule(5, 1);
        TemperatureSchedule tau2 = new TemperatureSchedule(500, 100);
        assertThat(TemperatureSchedule.alpha(0, 100)).isCloseTo(0, EPS);
        assertThat(tau1.at(0, 100)).isCloseTo(5, EPS);
        assertThat(tau2.at(0, 100)).isCloseTo(500, EPS);
        // t/T = 0.1: alpha = 2 / (1 + e^-1) - 1 = 0.46211715726
        assertThat(TemperatureSchedule.alpha(10, 100)).isCloseTo(0.46211715726, EPS);
        assertThat(tau1.at(10, 100)).isCloseTo(5 - 0.46211715726 * 4, EPS);
        assertThat(tau2.at(10, 100)).isCloseTo(500 - 0.46211715726 * 400, Offset.offset(1e-6));
        // t/T = 0.5: alpha = 2 / (1 + e^-5) - 1 = 0.98661429815
        assertThat(tau1.at(50, 100)).isCloseTo(5 - 0.98661429815 * 4, EPS);
        // The end: alpha = 2 / (1 + e^-10) - 1 = 0.99990920426, so tau stays just above its end value.
        assertThat(tau2.at(100, 100)).isCloseTo(500 - 0.99990920426 * 400, Offset.offset(1e-6)).isGreaterThan(100);
        assertThat(tau1.at(500, 100)).isCloseTo(tau1.at(100, 100), EPS);
    }

    @Test
    void neverGoesNegativeAndRejectsBadTemperatures() {
        TemperatureSchedule tau = new TemperatureSchedule(5, 1);
        for (long t = 0; t <= 1000; t += 7) {
            assertThat(tau.at(t, 1000)).isBetween(1.0, 5.0);
        }
        assertThatThrownBy(() -> new TemperatureSchedule(5, 0)).hasMessageContaining("0");
        assertThatThrownBy(() -> new TemperatureSchedule(-1, 1)).hasMessageContaining("-1");
    }
}
