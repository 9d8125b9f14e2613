package ai.kard.core.answer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TargetFormatterTest {
    static final List<String> OPTS = List.of("zoravine", "kelpitol", "mestrane");

    @Test
    void appendsAnswerLine() {
        assertThat(TargetFormatter.format("Zoravine is the gene. ", 1, OPTS)).isEqualTo("Zoravine is the gene.\nAnswer: B");
    }

    @Test
    void normalisesAnExistingAnswerLineForTheSameOption() {
        assertThat(TargetFormatter.format("Because of x.\nanswer: (B) kelpitol", 1, OPTS))
                .isEqualTo("Because of x.\nAnswer: B");
        assertThat(TargetFormatter.format("Because of x.\nAnswer: kelpitol\n", 1, OPTS))
                .isEqualTo("Because of x.\nAnswer: B");
        assertThat(TargetFormatter.format("Answer: B", 1, OPTS)).isEqualTo("Answer: B");
    }

    @Test
    void answerInRunningTextStillGetsTheLine() {
        assertThat(TargetFormatter.format("So the answer is (C).", 2, OPTS)).isEqualTo("So the answer is (C).\nAnswer: C");
    }

    @Test
    void refusesAnAnswerLineForAnotherOption() {
        assertThatThrownBy(() -> TargetFormatter.format("x\nAnswer: A", 1, OPTS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("for A, not B");
        assertThatThrownBy(() -> TargetFormatter.format("x", 3, OPTS)).hasMessageContaining("outside 0..2");
    }
}
