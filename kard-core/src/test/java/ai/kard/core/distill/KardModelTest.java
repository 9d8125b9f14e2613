package ai.kard.core.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.kard.api.Passage;
import ai.kard.api.Prediction;
import ai.kard.api.Question;
import ai.kard.core.internal.tokenizer.TextTokenizer;
import ai.kard.retrieval.Bm25Settings;
import ai.kard.retrieval.LuceneKnowledgeBase;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KardModelTest {
    static TextTokenizer tokenizer;
    static LuceneKnowledgeBase kb;
    static List<Question> questions = new ArrayList<>();
    static List<String> rationales = new ArrayList<>();

    @BeforeAll
    static void setUp() throws Exception {
        tokenizer = TextTokenizer.bundledWordPiece();
        String[] drugs = {"zoravine", "quelamide", "trobaxil", "morphenta", "salucrin", "divotrex"};
        String[] diseases = {"blorf fever", "snark pox", "wumple syndrome", "grizzle rot", "fennick palsy",
                "yabber cough"};
        List<Passage> corpus = new ArrayList<>();
        for (int i = 0; i < drugs.length; i++) {
            corpus.add(new Passage("p" + i, diseases[i], diseases[i] + " is treated first with " + drugs[i]
                    + " in every patient."));
            List<String> options = new ArrayList<>();
            for (int j = 0; j < 4; j++) {
                options.add(drugs[(i + j) % drugs.length]);
            }
            java.util.Collections.rotate(options, i % 4);
            questions.add(new Question("q" + i, "Which drug is given first for " + diseases[i] + "?", options,
                    options.indexOf(drugs[i])));
            rationales.add(diseases[i] + " is treated first with " + drugs[i] + ".");
        }
        kb = LuceneKnowledgeBase.inMemory(corpus, Bm25Settings.DEFAULT);
    }

    @AfterAll
    static void tearDown() throws Exception {
        kb.close();
        tokenizer.close();
    }

    private static KardModel model(int passages) {
        return new KardModel(new FakeLanguageModel(tokenizer), tokenizer,
                new KardSettings(PromptFormat.defaults(), passages, 100, 32), passages > 0 ? kb : null, null, null);
    }

    @Test
    void kardRetrievesWithTheQuestionAndExtractsTheOptionText() throws Exception {
        KardModel model = model(1);
        List<Prediction> predictions = model.answerAll(questions, 1);
        for (int i = 0; i < questions.size(); i++) {
            assertThat(predictions.get(i).passageIds()).containsExactly("p" + i);
            assertThat(predictions.get(i).isCorrect(questions.get(i))).as(predictions.get(i).output()).isTrue();
        }
        assertThat(model.answer(questions.get(2))).isEqualTo(predictions.get(2));
    }

    @Test
    void rdHasNoPassagesAndReportsNoAnswerApartFromWrong() throws Exception {
        List<Prediction> predictions = model(0).answerAll(questions, 1);
        assertThat(predictions).allSatisfy(p -> {
            assertThat(p.passageIds()).isEmpty();
            assertThat(p.answered()).isFalse();
        });
    }

    @Test
    void oracleRetrievesWithTheGivenRationale() throws Exception {
        List<Prediction> predictions = model(1).answerWithRationales(questions.subList(0, 2),
                List.of(rationales.get(1), rationales.get(0)), 1);
        assertThat(predictions.get(0).passageIds()).containsExactly("p1");
        assertThat(predictions.get(1).passageIds()).containsExactly("p0");
    }

    @Test
    void selfConsistencyVotesAndIsReproducible() throws Exception {
        KardModel model = model(1);
        List<Prediction> first = model.answerAll(questions, 5);
        assertThat(model.answerAll(questions, 5)).isEqualTo(first);
        assertThat(first).allSatisfy(p -> assertThat(p.answered()).isTrue());
        assertThat(model.answer(questions.get(3), 5)).isEqualTo(first.get(3));
    }

    @Test
    void eightThreadsGetTheSequentialResults() throws Exception {
        KardModel model = model(1);
        List<Prediction> sequential = model.answerAll(questions, 1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<Prediction>>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                futures.add(pool.submit(() -> {
                    List<Prediction> out = new ArrayList<>();
                    for (Question q : questions) {
                        out.add(model.answer(q));
                    }
                    return out;
                }));
            }
            for (Future<List<Prediction>> f : futures) {
                assertThat(f.get()).isEqualTo(sequential);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void lowerCaseAnswerLinesOfUncasedTokenizersCount() {
        assertThat(KardModel.restoreAnswerLetter("it is zoravine. answer : c")).endsWith("zoravine.\nAnswer: C");
        assertThat(KardModel.restoreAnswerLetter("a patient\nanswer : (b).")).endsWith("\nAnswer: B");
        assertThat(ai.kard.core.answer.AnswerExtractor.extract(KardModel.restoreAnswerLetter("blah.\nanswer : d"),
                List.of("w", "x", "y", "z")).option()).isEqualTo(3);
        assertThat(KardModel.restoreAnswerLetter("a patient presents")).isEqualTo("a patient presents");
    }

    @Test
    void aKardStudentNeedsAKnowledgeBase() {
        assertThatThrownBy(() -> new KardModel(new FakeLanguageModel(tokenizer), tokenizer,
                new KardSettings(PromptFormat.defaults(), 1, 100, 8), null, null, null))
                .hasMessageContaining("knowledge base");
    }
}
