package ai.kard.core.distill;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MajorityVoteTest {
    @Test
    void mostFrequentOptionWins() {
        assertThat(MajorityVote.winner(List.of(1, 2, 2, 3, 2))).isEqualTo(2);
    }

    @Test
    void tiesGoToTheOptionChosenFirstAndMissingAnswersDoNotVote() {
        assertThat(MajorityVote.winner(Arrays.asList(null, 3, 1, 1, 3, null, null))).isEqualTo(3);
        assertThat(MajorityVote.winner(Arrays.asList(null, null))).isNull();
        assertThat(MajorityVote.winner(List.of(0))).isZero();
    }
}
