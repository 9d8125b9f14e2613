package ai.kard.core.rerank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RerankerDefaultsTest {
    @Test
    void presetsGetTheScratchValuesAndPretrainedEncodersTheMethods() {
        assertThat(RerankerDefaults.forEncoder("scratch:bert-tiny")).isEqualTo(RerankerDefaults.SCRATCH);
        assertThat(RerankerDefaults.forEncoder("bert-base-uncased")).isEqualTo(RerankerDefaults.PRETRAINED);
        assertThat(RerankerDefaults.forEncoder("/models/all-minilm-l6-v2")).isEqualTo(RerankerDefaults.PRETRAINED);
        assertThat(RerankerDefaults.SCRATCH.softMaxSim()).isNotNull();
        assertThat(RerankerDefaults.METHOD.softMaxSim()).isNull();
    }

    @Test
    void pretrainedEncodersTrainAFewStepsGentlyAgainstAFrozenPassageSide() {
        RerankerDefaults pretrained = RerankerDefaults.PRETRAINED;
        assertThat(pretrained.freezePassages()).isTrue();
        assertThat(RerankerDefaults.SCRATCH.freezePassages()).isFalse();
        assertThat(pretrained.maxSteps()).isPositive();
        assertThat(RerankerDefaults.SCRATCH.maxSteps()).isZero();
        assertThat(pretrained.learningRate()).isLessThan(RerankerDefaults.SCRATCH.learningRate());
        assertThat(pretrained.scorerSettings().normalize()).isEqualTo(pretrained.normalize());
        assertThat(RerankerDefaults.SCRATCH.scorerSettings()).isEqualTo(ScorerSettings.defaults().withNormalize(true));
        assertThatThrownBy(() -> new RerankerDefaults(1, 0, 1e-4, 8, new TemperatureSchedule(5, 1),
                new TemperatureSchedule(1, 0.5), true, true, true, false, null, -1, ScorerSettings.defaults(), false))
                .hasMessageContaining("maxSteps");
    }

    @Test
    void aStepCapKeepsAsManyPairsAsItsStepsTake() {
        List<RerankerPair> pairs = new ArrayList<>();
        for (int q = 0; q < 50; q++) {
            for (int r = 0; r < 4; r++) {
                pairs.add(new RerankerPair("q" + q, "question " + q, "rationale " + r));
            }
        }
        assertThat(RerankerTraining.capPairs(pairs, 0, 1, 16, 1)).isSameAs(pairs);
        assertThat(RerankerTraining.capPairs(pairs, 100, 1, 16, 1)).isSameAs(pairs); // 200 pairs = 13 steps
        assertThat(RerankerTraining.capPairs(pairs, 5, 1, 16, 1)).hasSize(80);
        assertThat(RerankerTraining.capPairs(pairs, 6, 2, 16, 1)).hasSize(48); // 3 steps per epoch, 2 epochs
        assertThat(RerankerTraining.capPairs(pairs, 1, 3, 16, 1)).hasSize(16); // at least one step's worth
    }

    @Test
    void subsetsSpreadOverTheQuestionsBeforeTakingASecondRationale() {
        List<RerankerPair> pairs = new ArrayList<>();
        for (int q = 0; q < 10; q++) {
            for (int r = 0; r < 3; r++) {
                pairs.add(new RerankerPair("q" + q, "question " + q, "rationale " + q + "." + r));
            }
        }
        List<RerankerPair> ten = RerankerPair.spreadOverQuestions(pairs, 10, 7);
        assertThat(ten.stream().map(RerankerPair::questionId).distinct()).hasSize(10);
        List<RerankerPair> fifteen = RerankerPair.spreadOverQuestions(pairs, 15, 7);
        assertThat(fifteen).hasSize(15).doesNotHaveDuplicates();
        assertThat(fifteen.subList(0, 10).stream().map(RerankerPair::questionId).distinct()).hasSize(10);
        assertThat(fifteen.stream().collect(Collectors.groupingBy(RerankerPair::questionId, Collectors.counting()))
                .values()).allMatch(n -> n <= 2);
        assertThat(RerankerPair.spreadOverQuestions(pairs, 15, 7)).isEqualTo(fifteen); // seeded
        assertThat(RerankerPair.spreadOverQuestions(pairs, 15, 8)).isNotEqualTo(fifteen);
        assertThat(RerankerPair.spreadOverQuestions(pairs, 30, 7)).isEqualTo(pairs);
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
