package ai.kard.core.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.kard.api.KnowledgeBase;
import ai.kard.api.Passage;
import ai.kard.api.ScoredPassage;
import java.util.Collection;
import java.util.Optional;
import ai.kard.api.Question;
import ai.kard.api.Rationale;
import ai.kard.retrieval.Bm25Settings;
import ai.kard.retrieval.LuceneKnowledgeBase;
import java.util.List;
import org.junit.jupiter.api.Test;

class DistillationSetTest {
    private static final List<Question> QUESTIONS = List.of(
            new Question("q1", "Which drug treats blorf fever?", List.of("zoravine", "aspirin"), 0),
            new Question("q2", "Which organ does snark pox hit?", List.of("liver", "kidney"), 1));

    @Test
    void kardRetrievesWithEachRationaleAndKeepsOnlyCorrectOnes() throws Exception {
        List<Rationale> rationales = List.of(
                new Rationale("q1", "Blorf fever is treated with zoravine. So the answer is (A)."),
                new Rationale("q1", "Aspirin is the drug. The answer is (B)."),
                new Rationale("q2", "Snark pox damages the kidney. The answer is (B)."),
                new Rationale("q9", "Orphan. The answer is (A)."));
        try (LuceneKnowledgeBase kb = LuceneKnowledgeBase.inMemory(List.of(
                new Passage("a", "", "Blorf fever responds to zoravine."),
                new Passage("b", "", "Snark pox attacks the kidney."),
                new Passage("c", "", "Aspirin is a common drug.")), Bm25Settings.DEFAULT)) {
            DistillationSet set = DistillationSet.build(QUESTIONS, rationales, kb, 1);
            assertThat(set.examples()).hasSize(2);
            assertThat(set.unmatchedRationales()).isEqualTo(1);
            assertThat(set.report().kept()).isEqualTo(2);
            assertThat(set.report().dropped()).isEqualTo(1);
            assertThat(set.examples().get(0).passageIds()).containsExactly("a");
            assertThat(set.examples().get(1).passageIds()).containsExactly("b");
            assertThat(set.examples().get(0).target()).endsWith("\nAnswer: A");
            assertThat(set.examples().get(1).target()).endsWith("\nAnswer: B");
        }
    }

    @Test
    void rdHasNoPassages() throws Exception {
        DistillationSet set = DistillationSet.build(QUESTIONS,
                List.of(new Rationale("q2", "The kidney. Answer: B")), null, 1);
        assertThat(set.examples()).singleElement().satisfies(e -> assertThat(e.input().passages()).isEmpty());
    }

    @Test
    void badInputIsRejectedWithTheReason() throws Exception {
        assertThatThrownBy(() -> DistillationSet.build(QUESTIONS, List.of(new Rationale("x", "Answer: A")), null, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"x\"");
        assertThatThrownBy(() -> DistillationSet.build(QUESTIONS, List.of(new Rationale("q1", "Answer: B")), null, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("survived");
        KnowledgeBase empty = new KnowledgeBase() {
            @Override
            public List<ScoredPassage> search(String query, int k) {
                return List.of();
            }

            @Override
            public List<ScoredPassage> score(String query, Collection<String> ids) {
                return List.of();
            }

            @Override
            public Optional<Passage> passage(String id) {
                return Optional.empty();
            }

            @Override
            public int size() {
                return 0;
            }

            @Override
            public void close() {
            }
        };
        assertThatThrownBy(() -> DistillationSet.build(QUESTIONS, List.of(new Rationale("q1", "Answer: A")),
                empty, 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    }
}
