package ai.kard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import ai.kard.api.Rationale;
import ai.kard.examples.demo.DemoQuestion.Kind;
import ai.kard.retrieval.Bm25Settings;
import ai.kard.retrieval.LuceneKnowledgeBase;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The design property the demo exists for: BM25 with a direct question finds the gold passage, BM25 with a
 * two-hop question mostly does not, and BM25 with the teacher's rationale does (Kard's own knowledge base,
 * Anserini settings).
 */
class DemoRetrievalTest {

    @Test
    void questionsMissTwoHopPassagesThatRationalesFind() throws Exception {
        DemoBenchmark benchmark = new DemoBenchmarkGenerator(DemoConfig.defaults()).generate();
        List<DemoQuestion> evaluated = new ArrayList<>(benchmark.questions(Split.TEST));
        evaluated.addAll(benchmark.questions(Split.VALIDATION));
        Map<String, List<Rationale>> rationales = new java.util.HashMap<>();
        for (Split split : List.of(Split.TEST, Split.VALIDATION)) {
            rationales.putAll(benchmark.rationales(split).stream()
                    .collect(Collectors.groupingBy(Rationale::questionId)));
        }
        try (LuceneKnowledgeBase bm25 = LuceneKnowledgeBase.inMemory(benchmark.corpus(), Bm25Settings.DEFAULT)) {
            for (Kind kind : Kind.values()) {
                List<DemoQuestion> ofKind = evaluated.stream().filter(q -> q.kind() == kind).toList();
                Function<DemoQuestion, List<String>> withOptionsQuery =
                        q -> List.of(q.question().text() + " " + String.join(" ", q.question().options()));
                double question = hits(bm25, ofKind, 1, q -> List.of(q.question().text()));
                double withOptions = hits(bm25, ofKind, 1, withOptionsQuery);
                double rationale = hits(bm25, ofKind, 1, q -> rationales.get(q.question().id()).stream()
                        .map(Rationale::text).toList());
                // What a reranker can reach: the gold passage among BM25(question + options)'s 100 candidates.
                double candidates = hits(bm25, ofKind, 100, withOptionsQuery);
                System.out.printf(Locale.ROOT, "BM25 Hits@1 %-7s n=%d question=%.3f question+options=%.3f"
                        + " rationale=%.3f | Hits@100 question+options=%.3f%n", kind.label(), ofKind.size(),
                        question, withOptions, rationale, candidates);
                assertThat(candidates).isGreaterThanOrEqualTo(0.95);
                if (kind == Kind.DIRECT) {
                    assertThat(question).isGreaterThanOrEqualTo(0.8);
                    assertThat(withOptions).isGreaterThanOrEqualTo(0.8);
                } else {
                    assertThat(question).isLessThanOrEqualTo(0.4);
                    assertThat(withOptions).isLessThanOrEqualTo(0.4);
                }
                assertThat(rationale).isGreaterThanOrEqualTo(0.9);
            }
        }
    }

    /** Share of queries with the gold passage in their top k (several queries per question are averaged). */
    private static double hits(LuceneKnowledgeBase bm25, List<DemoQuestion> questions, int k,
                               Function<DemoQuestion, List<String>> queries) throws IOException {
        double hits = 0;
        for (DemoQuestion q : questions) {
            List<String> texts = queries.apply(q);
            for (String text : texts) {
                boolean found = bm25.search(text, k).stream().anyMatch(p -> p.id().equals(q.goldPassageId()));
                hits += found ? 1.0 / texts.size() : 0;
            }
        }
        return hits / questions.size();
    }
}
