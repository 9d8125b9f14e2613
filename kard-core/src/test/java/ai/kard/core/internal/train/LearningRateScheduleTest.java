package ai.kard.core.internal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

    @Test
    void constantIsConstant() {
        LearningRateSchedule s = new LearningRateSchedule(Schedule.CONSTANT, 1e-4, 0, 10);
        assertThat(s.learningRate(0)).isEqualTo(1e-4);
        assertThat(s.learningRate(9)).isEqualTo(1e-4);
    }

    @Test
    void linearWarmsUpThenDecaysToZero() {
        LearningRateSchedule s = new LearningRateSchedule(Schedule.LINEAR, 1.0, 4, 12);
        assertThat(s.learningRate(0)).isCloseTo(0.25, within(1e-12));
        assertThat(s.learningRate(1)).isCloseTo(0.5, within(1e-12));
        assertThat(s.learningRate(3)).isCloseTo(1.0, within(1e-12));
        assertThat(s.learningRate(4)).isCloseTo(1.0, within(1e-12));   // (12-4)/(12-4)
        assertThat(s.learningRate(8)).isCloseTo(0.5, within(1e-12));   // (12-8)/8
        assertThat(s.learningRate(11)).isCloseTo(0.125, within(1e-12));
        assertThat(s.learningRate(12)).isZero();
    }

    @Test
    void warmupFromFractionOfAllSteps() {
        TrainerConfig c = TrainerConfig.builder().learningRate(2e-4).linearWarmupFraction(0.05).build();
        LearningRateSchedule s = LearningRateSchedule.of(c, 200);
        assertThat(s.warmupSteps()).isEqualTo(10);
        assertThat(s.learningRate(4)).isCloseTo(1e-4, within(1e-12));
        assertThat(s.learningRate(10)).isCloseTo(2e-4, within(1e-12));
        assertThat(s.learningRate(105)).isCloseTo(2e-4 * 95 / 190, within(1e-12));
        TrainerConfig steps = c.toBuilder().linearWarmupSteps(3).build();
        assertThat(LearningRateSchedule.of(steps, 200).warmupSteps()).isEqualTo(3);
    }

    @Test
    void configValidatesAndPrints() {
        assertThatThrownBy(() -> TrainerConfig.builder().dtype(DataType.BFLOAT16).device(Device.cpu()).build())
                .hasMessageContaining("BFLOAT16 needs a GPU device");
        assertThatThrownBy(() -> TrainerConfig.builder().dtype(DataType.BFLOAT16).device(Device.gpu(0)).build())
                .hasMessageContaining("no bfloat16 type");
        assertThatThrownBy(() -> TrainerConfig.builder().dtype(DataType.FLOAT16).build())
                .hasMessageContaining("dtype float16");
        assertThatThrownBy(() -> TrainerConfig.builder().learningRate(Double.NaN).build())
                .hasMessageContaining("learningRate NaN");
        assertThatThrownBy(() -> TrainerConfig.builder().gradientAccumulation(0).build())
                .hasMessageContaining("gradientAccumulation 0");
        assertThatThrownBy(() -> TrainerConfig.builder().warmupSteps(5).build())
                .hasMessageContaining("needs schedule LINEAR");
        assertThatThrownBy(() -> TrainerConfig.builder().device(null).build())
                .hasMessageContaining("device is null");
        TrainerConfig c = TrainerConfig.builder().epochs(2).learningRate(3e-4).linearWarmupFraction(0.1).build();
        assertThat(c.toString()).contains("epochs=2", "lr=3.0E-4", "schedule=LINEAR", "warmupFraction=0.1",
                "device=cpu()", "dtype=float32", "logEverySteps=50");
        assertThat(c.hyperparameters()).contains("epochs=2", "lr=3.0E-4", "dtype=float32")
                .doesNotContain("logEverySteps", "checkpointDir", "keepLast").endsWith(")");
    }
}
