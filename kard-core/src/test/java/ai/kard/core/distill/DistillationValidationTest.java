package ai.kard.core.distill;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.kard.api.Question;
import ai.kard.api.Rationale;
import ai.kard.core.Kard;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fluent recipe rejects bad settings before loading or training anything. */
class DistillationValidationTest {
    private static final List<Question> QUESTIONS = List.of(new Question("q1", "Which?", List.of("a", "b"), 0));
    private static final List<Rationale> RATIONALES = List.of(new Rationale("q1", "It is a.\nAnswer: A"));

    @Test
    void badSettingsNameTheValue() {
        assertThatThrownBy(() -> Kard.student("scratch:t5-nano")).hasMessageContaining("scratch:t5-nano");
        assertThatThrownBy(() -> Kard.student("scratch:t5-tiny").epochs(0).distillFrom(QUESTIONS, RATIONALES))
                .isInstanceOf(ai.kard.api.InvalidSettingException.class)
                .hasMessageContaining("epochs must be positive, got 0");
        assertThatThrownBy(() -> Kard.student("scratch:t5-tiny").learningRate(-1).distillFrom(QUESTIONS, RATIONALES))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        assertThatThrownBy(() -> Kard.student("scratch:t5-tiny").renameProbability(2).distillFrom(QUESTIONS,
                RATIONALES)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2.0");
        assertThatThrownBy(() -> Kard.student("scratch:t5-tiny").distillFrom(QUESTIONS,
                List.of(new Rationale("zz", "Answer: A")))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"zz\"");
        assertThatThrownBy(() -> Kard.student("scratch:t5-tiny").dropout(1.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dropout is 1.0");
    }
}
