package ai.kard.core.rerank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RerankerDefaultsTest {
    @Test
    void presetsGetTheScratchValuesAndPretrainedEncodersTheMethods() {
        assertThat(RerankerDefaults.forEncoder("scratch:bert-tiny")).isEqualTo(RerankerDefaults.SCRATCH);
        assertThat(RerankerDefaults.forEncoder("bert-base-uncased")).isEqualTo(RerankerDefaults.METHOD);
        assertThat(RerankerDefaults.SCRATCH.softMaxSim()).isNotNull();
        assertThat(RerankerDefaults.METHOD.softMaxSim()).isNull();
    }

    @Test
    void smallTrainingSetsGetMoreEpochsUpToTheMinimumSteps() {
        RerankerDefaults d = RerankerDefaults.SCRATCH;
        int minSteps = d.minSteps();
        // Many batches: the plain epoch count already exceeds the minimum.
        assertThat(d.epochsFor(minSteps)).isEqualTo(d.epochs());
        // 63 batches (1,000 pairs at 16): enough epochs to reach the minimum, and no more.
        int epochs = d.epochsFor(63);
        assertThat(epochs * 63).isGreaterThanOrEqualTo(minSteps);
        assertThat((epochs - 1) * 63).isLessThan(minSteps);
        assertThat(RerankerDefaults.METHOD.epochsFor(1)).isEqualTo(RerankerDefaults.METHOD.epochs());
        assertThatThrownBy(() -> d.epochsFor(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
