package ai.kard.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuestionTest {

    @Test
    void lettersFollowOptionOrder() {
        Question q = new Question("q1", "Which?", List.of("a", "b", "c"), 2);
        assertThat(q.answerLetter()).isEqualTo('C');
        assertThat(q.answerText()).isEqualTo("c");
        assertThat(Question.letter(0)).isEqualTo('A');
    }

    @Test
    void rejectsAnswerOutsideOptions() {
        assertThatThrownBy(() -> new Question("q1", "Which?", List.of("a", "b"), 2))
                .hasMessageContaining("q1").hasMessageContaining("answer index 2");
    }

    @Test
    void rejectsTooFewOptions() {
        assertThatThrownBy(() -> new Question("q9", "Which?", List.of("a"), null))
                .hasMessageContaining("q9").hasMessageContaining("1 options");
    }

    @Test
    void invalidInputNamesFileAndLine() {
        InvalidInputException e = new InvalidInputException(Path.of("data.jsonl"), 7, "missing field \"id\"");
        assertThat(e).hasMessage("data.jsonl:7: missing field \"id\"");
        assertThat(e.line()).isEqualTo(7);
    }

    @Test
    void scoredPassagesSortBestFirstThenById() {
        ScoredPassage b = new ScoredPassage(new Passage("b", "", "x"), 1.0);
        ScoredPassage a = new ScoredPassage(new Passage("a", "", "y"), 1.0);
        ScoredPassage c = new ScoredPassage(new Passage("c", "", "z"), 2.0);
        assertThat(List.of(b, a, c).stream().sorted(ScoredPassage.BEST_FIRST).map(ScoredPassage::id))
                .containsExactly("c", "a", "b");
    }
}
