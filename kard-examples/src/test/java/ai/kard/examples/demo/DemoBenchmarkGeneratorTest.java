package ai.kard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.kard.api.Passage;
import ai.kard.api.Question;
import ai.kard.api.Rationale;
import ai.kard.core.answer.AnswerExtractor;
import ai.kard.examples.demo.DemoQuestion.Kind;
import ai.kard.examples.demo.internal.Findings;
import ai.kard.examples.demo.internal.Findings.Finding;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DemoBenchmarkGeneratorTest {
    private static final DemoConfig SMALL = new DemoConfig(7, 300, 400, 40, 60, 3, 0.5);
    private static DemoBenchmark benchmark;
    private static Map<String, Passage> passages;

    @BeforeAll
    static void generate() {
        benchmark = new DemoBenchmarkGenerator(SMALL).generate();
        passages = benchmark.corpus().stream().collect(Collectors.toMap(Passage::id, Function.identity()));
    }

    @Test
    void sameSeedSameBenchmarkOtherSeedOtherBenchmark() {
        assertThat(new DemoBenchmarkGenerator(SMALL).generate()).isEqualTo(benchmark);
        DemoBenchmark other = new DemoBenchmarkGenerator(SMALL.withSeed(8)).generate();
        assertThat(other.corpus()).isNotEqualTo(benchmark.corpus());
    }

    @Test
    void sizesAndKindsFollowTheConfig() {
        assertThat(benchmark.questions(Split.TRAIN)).hasSize(400);
        assertThat(benchmark.questions(Split.VALIDATION)).hasSize(40);
        assertThat(benchmark.questions(Split.TEST)).hasSize(60);
        for (Split split : Split.values()) {
            List<DemoQuestion> questions = benchmark.questions(split);
            assertThat(questions.stream().filter(q -> q.kind() == Kind.TWO_HOP).count())
                    .isEqualTo(Math.round(questions.size() * 0.5));
            assertThat(benchmark.rationales(split)).hasSize(questions.size() * 3);
            assertThat(questions.stream().map(q -> q.question().id()).distinct().count())
                    .isEqualTo(questions.size());
        }
        assertThat(benchmark.corpus().stream().map(Passage::id).distinct().count())
                .isEqualTo(benchmark.corpus().size());
        assertThat(benchmark.corpus().stream().filter(p -> p.id().startsWith("ent-"))).hasSize(300);
    }

    @Test
    void heldOutEntitiesNeverAppearInTrainingQuestions() {
        List<DemoQuestion> train = benchmark.questions(Split.TRAIN);
        Set<String> trainGold = train.stream().map(DemoQuestion::goldPassageId).collect(Collectors.toSet());
        Set<String> trainOptions = train.stream().flatMap(q -> q.question().options().stream())
                .collect(Collectors.toSet());
        String trainText = train.stream().map(q -> q.question().text()).collect(Collectors.joining("\n"))
                + benchmark.rationales(Split.TRAIN).stream().map(Rationale::text).collect(Collectors.joining("\n"));
        Set<String> testGold = new HashSet<>();
        for (Split split : List.of(Split.VALIDATION, Split.TEST)) {
            for (DemoQuestion q : benchmark.questions(split)) {
                assertThat(trainGold).doesNotContain(q.goldPassageId());
                assertThat(trainOptions).doesNotContainAnyElementsOf(q.question().options());
                assertThat(trainText).doesNotContain(passages.get(q.goldPassageId()).title());
                if (split == Split.TEST) {
                    testGold.add(q.goldPassageId());
                }
            }
        }
        Set<String> validationGold = benchmark.questions(Split.VALIDATION).stream()
                .map(DemoQuestion::goldPassageId).collect(Collectors.toSet());
        assertThat(validationGold).doesNotContainAnyElementsOf(testGold);
    }

    @Test
    void everyOptionIsAFactOfTheCorpusAndOnlyTheAnswerIsInTheGoldPassage() {
        for (Split split : Split.values()) {
            for (DemoQuestion q : benchmark.questions(split)) {
                Question question = q.question();
                assertThat(question.options()).hasSize(4).doesNotHaveDuplicates();
                Passage gold = passages.get(q.goldPassageId());
                assertThat(gold).as(q.goldPassageId()).isNotNull();
                for (int i = 0; i < 4; i++) {
                    String option = question.options().get(i);
                    boolean inGold = gold.text().contains(option);
                    assertThat(inGold).as(question.id() + " option " + option).isEqualTo(i == question.answer());
                    assertThat(benchmark.corpus().stream().filter(p -> p.id().startsWith("ent-"))
                            .anyMatch(p -> p.text().contains(option))).isTrue();
                }
            }
        }
    }

    @Test
    void rationalesNameTheEntityAndEndWithTheAnswer() {
        for (Split split : Split.values()) {
            Map<String, DemoQuestion> byId = benchmark.questions(split).stream()
                    .collect(Collectors.toMap(q -> q.question().id(), Function.identity()));
            Map<String, List<Rationale>> grouped = benchmark.rationales(split).stream()
                    .collect(Collectors.groupingBy(Rationale::questionId));
            assertThat(grouped.keySet()).isEqualTo(byId.keySet());
            for (Map.Entry<String, List<Rationale>> entry : grouped.entrySet()) {
                Question q = byId.get(entry.getKey()).question();
                String entity = passages.get(byId.get(entry.getKey()).goldPassageId()).title();
                assertThat(entry.getValue().stream().map(Rationale::text).distinct()).hasSize(3);
                for (Rationale r : entry.getValue()) {
                    assertThat(r.text()).containsIgnoringCase(entity)
                            .endsWith("So the answer is " + q.answerText() + ".\nAnswer: " + q.answerLetter());
                    for (String wrong : q.options()) {
                        if (!wrong.equals(q.answerText())) {
                            assertThat(r.text()).doesNotContain(wrong);
                        }
                    }
                }
            }
        }
    }

    @Test
    void answerExtractionRecoversTheGoldOptionFromEveryRationaleEvenWithoutTheLetter() {
        for (Split split : Split.values()) {
            Map<String, Question> byId = benchmark.questions(split).stream()
                    .collect(Collectors.toMap(q -> q.question().id(), DemoQuestion::question));
            for (Rationale r : benchmark.rationales(split)) {
                Question q = byId.get(r.questionId());
                assertThat(AnswerExtractor.extract(r.text(), q.options()).option()).as(r.text()).isEqualTo(q.answer());
                String withoutLetter = r.text().substring(0, r.text().lastIndexOf("\nAnswer:"));
                assertThat(AnswerExtractor.extract(withoutLetter, q.options()).option()).as(withoutLetter)
                        .isEqualTo(q.answer());
            }
        }
    }

    @Test
    void twoHopQuestionsUseNoWordOfTheirPassageButGenericOnes() throws Exception {
        Set<String> technical = new HashSet<>();
        Set<String> lay = new HashSet<>();
        Set<String> corpusTokens = new HashSet<>();
        try (Bm25Probe probe = new Bm25Probe(List.of())) {
            for (Finding f : concat(Findings.ORGANS, Findings.SYMPTOMS)) {
                technical.addAll(probe.tokens(f.term()));
                for (String p : f.paraphrases()) {
                    lay.addAll(probe.tokens(p));
                }
            }
            // Template words: in at least a tenth of the entity passages, so they cannot single one out.
            Map<String, Integer> entityPassageFrequency = new java.util.HashMap<>();
            for (Passage p : benchmark.corpus()) {
                List<String> tokens = probe.tokens(p.contents());
                corpusTokens.addAll(tokens);
                if (p.id().startsWith("ent-")) {
                    new HashSet<>(tokens).forEach(t -> entityPassageFrequency.merge(t, 1, Integer::sum));
                }
            }
            Set<String> templateWords = entityPassageFrequency.entrySet().stream()
                    .filter(e -> e.getValue() >= 30).map(Map.Entry::getKey).collect(Collectors.toSet());
            // The lay words are what BM25 cannot bridge: no passage may contain them.
            assertThat(corpusTokens).doesNotContainAnyElementsOf(lay);
            int twoHop = 0;
            for (Split split : Split.values()) {
                for (DemoQuestion q : benchmark.questions(split)) {
                    String text = q.question().text();
                    Passage gold = passages.get(q.goldPassageId());
                    List<String> tokens = probe.tokens(text);
                    if (q.kind() == Kind.DIRECT) {
                        assertThat(text).contains(gold.title());
                        continue;
                    }
                    twoHop++;
                    assertThat(text).doesNotContainIgnoringCase(gold.title().split(" ")[0]);
                    assertThat(tokens).as(text).doesNotContainAnyElementsOf(technical);
                    // Apart from template words, the question and its gold passage have nothing in common.
                    Set<String> shared = new HashSet<>(tokens);
                    shared.retainAll(probe.tokens(gold.contents()));
                    assertThat(shared).as(text).isSubsetOf(templateWords);
                }
            }
            assertThat(twoHop).isGreaterThan(200);
        }
    }

    @Test
    void tooFewEntitiesIsRejectedWithTheFix() {
        assertThatThrownBy(() -> new DemoConfig(1, 100, 50, 50, 60, 3, 0.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--entities 114");
        assertThatThrownBy(() -> new DemoConfig(1, 500, 50, 50, 60, 4, 0.5))
                .hasMessageContaining("rationales per question 4");
        assertThatThrownBy(() -> new DemoConfig(1, 500, 50, 50, 60, 3, Double.NaN))
                .hasMessageContaining("two-hop fraction NaN");
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
