package ai.kard.core.rerank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.kard.api.Passage;
import ai.kard.api.ScoredPassage;
import ai.kard.core.Kard;
import ai.kard.retrieval.LuceneKnowledgeBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RerankerTrainingTest {
    @TempDir
    Path temp;

    @Test
    void trainsValidatesSavesAndLoadsBackWithOneCall() throws Exception {
        try (LuceneKnowledgeBase kb = RerankFixtures.knowledgeBase()) {
            RerankerTraining recipe = Kard.reranker("scratch:bert-tiny").epochs(2).pairsPerBatch(2).dim(16)
                    .candidates(4, 4).sample(2, 2).candidateCache(temp.resolve("cache"))
                    .checkpoints(temp.resolve("checkpoints"), false)
                    .validation(RerankFixtures.questions(), RerankFixtures.rationales());
            RerankerTraining.Result result = recipe.withKnowledgeBase(kb).train(RerankFixtures.questions(),
                    RerankFixtures.rationales());
            List<Passage> passages = RerankFixtures.passages();
            String query = RerankerPair.queryOf(RerankFixtures.questions().get(0));
            try (LateInteractionReranker trained = result.reranker()) {
                assertThat(result.trainPairs()).isEqualTo(6);
                assertThat(result.training().steps()).isEqualTo(6);
                assertThat(result.validation().amongCandidates().pairs()).isEqualTo(6);
                assertThat(result.validation().hits().queries()).isEqualTo(6);
                assertThat(Files.exists(temp.resolve("checkpoints").resolve("metrics.jsonl"))).isTrue();
                try (var files = Files.list(temp.resolve("cache"))) {
                    assertThat(files.count()).isEqualTo(1); // training and validation pairs are the same here
                }
                Path dir = temp.resolve("reranker");
                trained.scorer().save(dir);
                try (LateInteractionReranker loaded = LateInteractionReranker.load(dir)) {
                    float[] expected = trained.scores(query, passages);
                    float[] actual = loaded.scores(query, passages);
                    for (int i = 0; i < expected.length; i++) {
                        assertThat(actual[i]).isCloseTo(expected[i], Offset.offset(1e-4f));
                    }
                    assertThat(loaded.rerank(query, passages, 3).stream().map(ScoredPassage::id).toList())
                            .isEqualTo(trained.rerank(query, passages, 3).stream().map(ScoredPassage::id).toList());
                    assertThat(loaded.scorer().settings()).isEqualTo(trained.scorer().settings());
                }
            }
        }
    }

    @Test
    void aStepCapTrainsOnAsManyPairsAsItsStepsTakeAndAFrozenPassageSideIsSavedAsStarted() throws Exception {
        try (LuceneKnowledgeBase kb = RerankFixtures.knowledgeBase()) {
            RerankerTraining recipe = Kard.reranker("scratch:bert-tiny").epochs(1).pairsPerBatch(2).dim(16)
                    .candidates(4, 4).sample(2, 2).maxSteps(2).freezePassages(true).learningRate(1e-2)
                    .validation(RerankFixtures.questions(), RerankFixtures.rationales());
            RerankerTraining.Result result = recipe.withKnowledgeBase(kb).train(RerankFixtures.questions(),
                    RerankFixtures.rationales());
            List<Passage> passages = RerankFixtures.passages();
            String query = RerankerPair.queryOf(RerankFixtures.questions().get(0));
            try (LateInteractionReranker trained = result.reranker();
                    LateInteractionScorer untrained = LateInteractionScorer.create("scratch:bert-tiny",
                            trained.scorer().settings(), 42, ai.kard.core.model.ModelOptions.cpu(),
                            ai.kard.core.hub.ModelReference.fromEnvironment())) {
                assertThat(result.trainPairs()).isEqualTo(4); // 2 steps of 2 pairs, of the 6
                assertThat(result.training().steps()).isEqualTo(2);
                // The passage side is the starting scorer (same seed), the question side moved.
                LateInteractionScorer passageSide = trained.scorer().passageSide();
                assertThat(passageSide).isNotSameAs(trained.scorer());
                int[] tokens = untrained.passageTokens(passages.get(0).contents());
                try (var manager = untrained.manager().newSubManager()) {
                    float[] expected = untrained.vectors(manager, List.of(tokens)).get(0).toFloatArray();
                    float[] actual = passageSide.vectors(manager, List.of(tokens)).get(0).toFloatArray();
                    assertThat(actual).containsExactly(expected, Offset.offset(1e-5f));
                    float[] moved = trained.scorer().vectors(manager, List.of(tokens)).get(0).toFloatArray();
                    assertThat(moved).isNotEqualTo(expected);
                }
                Path dir = temp.resolve("frozen");
                trained.scorer().save(dir);
                try (LateInteractionReranker loaded = LateInteractionReranker.load(dir)) {
                    assertThat(loaded.scores(query, passages))
                            .containsExactly(trained.scores(query, passages), Offset.offset(1e-4f));
                }
            }
        }
    }

    @Test
    void theOneLineFormTrainsTheSameRerankerAsWithKnowledgeBase() throws Exception {
        try (LuceneKnowledgeBase kb = RerankFixtures.knowledgeBase()) {
            List<Passage> passages = RerankFixtures.passages();
            String query = RerankerPair.queryOf(RerankFixtures.questions().get(0));
            try (LateInteractionReranker oneLine = tinyRecipe().trainOn(kb, RerankFixtures.questions(),
                    RerankFixtures.rationales());
                    LateInteractionReranker twoStep = tinyRecipe().withKnowledgeBase(kb)
                            .trainOn(RerankFixtures.questions(), RerankFixtures.rationales())) {
                assertThat(oneLine.scores(query, passages))
                        .containsExactly(twoStep.scores(query, passages), Offset.offset(1e-6f));
            }
        }
    }

    private static RerankerTraining tinyRecipe() {
        return Kard.reranker("scratch:bert-tiny").epochs(1).pairsPerBatch(2).dim(16).candidates(4, 4).sample(2, 2)
                .maxSteps(2).learningRate(1e-2).validation(RerankFixtures.questions(), RerankFixtures.rationales());
    }

    @Test
    void rejectsRationalesOfUnknownQuestions() throws Exception {
        try (LuceneKnowledgeBase kb = RerankFixtures.knowledgeBase()) {
            assertThatThrownBy(() -> Kard.reranker("scratch:bert-tiny").withKnowledgeBase(kb)
                    .trainOn(RerankFixtures.questions().subList(0, 2), RerankFixtures.rationales())).hasMessageContaining("q2");
        }
    }
}
