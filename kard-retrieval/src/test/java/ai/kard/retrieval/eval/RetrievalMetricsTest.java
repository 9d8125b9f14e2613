package ai.kard.retrieval.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.kard.api.InvalidInputException;
import ai.kard.api.Passage;
import ai.kard.retrieval.Bm25Settings;
import ai.kard.retrieval.LuceneKnowledgeBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetrievalMetricsTest {
    @TempDir
    Path tmp;

    @Test
    void ndcgAndRecallByHand() {
        Map<String, Integer> judged = Map.of("a", 1, "b", 2, "z", 0);
        List<String> ranking = List.of("x", "b", "y", "a");
        double dcg = 2 / log2(3) + 1 / log2(5);
        double idcg = 2 / log2(2) + 1 / log2(3);
        assertThat(RetrievalMetrics.ndcg(ranking, judged, 10)).isCloseTo(dcg / idcg, within(1e-12));
        assertThat(RetrievalMetrics.ndcg(ranking, judged, 2)).isCloseTo((2 / log2(3)) / idcg, within(1e-12));
        assertThat(RetrievalMetrics.recall(ranking, judged, 1)).isZero();
        assertThat(RetrievalMetrics.recall(ranking, judged, 2)).isEqualTo(0.5);
        assertThat(RetrievalMetrics.recall(ranking, judged, 100)).isEqualTo(1.0);
        assertThat(RetrievalMetrics.ndcg(List.of("a", "b"), Map.of(), 10)).isZero();
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    @Test
    void evaluatesBeirLayout() throws Exception {
        Path queries = Files.writeString(tmp.resolve("queries.jsonl"), """
                {"_id": "q1", "text": "red apples"}
                {"_id": "q2", "text": "blue sky"}
                {"_id": "q3", "text": "not judged"}
                """);
        Path qrels = Files.writeString(tmp.resolve("test.tsv"), "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td3\t1\n");
        List<Passage> passages = List.of(new Passage("d1", "", "red apples are sweet"),
                new Passage("d2", "", "green apples"), new Passage("d3", "", "the sea is blue"));
        try (LuceneKnowledgeBase kb = LuceneKnowledgeBase.inMemory(passages, Bm25Settings.DEFAULT)) {
            RetrievalEvaluation eval = RetrievalEvaluation.run(kb, QueryFile.read(queries), Qrels.read(qrels), 100, queries);
            assertThat(eval.queries()).isEqualTo(2);
            assertThat(eval.ndcg10()).isEqualTo(1.0);
            assertThat(eval.recall1()).isEqualTo(1.0);
            assertThat(eval.recallTop()).isEqualTo(1.0);
        }
    }

    @Test
    void badQrelsAndQueriesNameTheLine() throws Exception {
        Path qrels = Files.writeString(tmp.resolve("q.tsv"), "query-id\tcorpus-id\tscore\nq1\td1\tone\n");
        assertThatThrownBy(() -> Qrels.read(qrels)).isInstanceOf(InvalidInputException.class)
                .hasMessage(qrels + ":2: score 'one' is not a number");
        Path queries = Files.writeString(tmp.resolve("q.jsonl"), "{\"_id\": \"q1\"}\n");
        assertThatThrownBy(() -> QueryFile.read(queries)).hasMessage(queries + ":1: missing string field 'text'");
    }
}
