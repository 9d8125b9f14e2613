package ai.kard.examples.cli;

import static ai.kard.examples.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import ai.kard.examples.cli.CliRun.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetrievalCommandsTest {
    @TempDir
    Path tmp;

    private Path corpus(String name, String content) throws Exception {
        return Files.writeString(tmp.resolve(name), content);
    }

    private static final String GOOD = """
            {"id": "d1", "title": "Apples", "text": "Red apples are sweet and crunchy."}
            {"id": "d2", "title": "", "text": "Green apples are sour."}
            {"id": "d3", "title": "Sky", "text": "The sky is blue because of Rayleigh scattering."}
            """;

    @Test
    void indexSearchAndEvaluate() throws Exception {
        Path c = corpus("c.jsonl", GOOD);
        Path index = tmp.resolve("idx");
        Result built = run("index", "--corpus", c.toString(), "--index", index.toString(), "--threads", "2");
        assertThat(built.code()).as(built.err()).isZero();
        assertThat(built.out()).contains("indexed 3 passages", "BM25(k1=0.9,b=0.4)");

        Result text = run("search", "--index", index.toString(), "--query", "why is the sky \"blue\"? (AND:*)");
        assertThat(text.code()).as(text.err()).isZero();
        assertThat(text.out()).startsWith("1\t").contains("\td3\t");

        Result json = run("search", "--index", index.toString(), "--query", "apples", "--top", "1", "--json");
        assertThat(json.code()).isZero();
        assertThat(json.out().strip().lines()).hasSize(1);
        assertThat(json.out()).contains("\"rank\":1", "\"id\":\"d1\"", "\"score\":");

        Path queries = corpus("queries.jsonl", "{\"_id\": \"q1\", \"text\": \"sweet red apples\"}\n"
                + "{\"_id\": \"q2\", \"text\": \"scattering of light in the sky\"}\n");
        Path qrels = corpus("qrels.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td3\t1\n");
        Result eval = run("eval-retrieval", "--index", index.toString(), "--queries", queries.toString(),
                "--qrels", qrels.toString());
        assertThat(eval.code()).as(eval.err()).isZero();
        assertThat(eval.out()).contains("nDCG@10", "Recall@1 ", "Recall@10 ", "Recall@100");
        assertThat(eval.out().strip().lines().reduce((a, b) -> b)).contains("ndcg@10=1.0000 recall@100=1.0000");
    }

    private void assertBadInput(Result r, String... fragments) {
        assertThat(r.code()).as(r.err()).isEqualTo(KardCli.BAD_INPUT);
        assertThat(r.err().strip()).doesNotContain("\n").contains(fragments);
    }

    @Test
    void corpusProblemsExitTwoWithOneLine() throws Exception {
        Path index = tmp.resolve("idx");
        Path malformed = corpus("malformed.jsonl", GOOD + "{\"id\": \"d4\", \"text\": \"unterminated}\n");
        assertBadInput(run("index", "--corpus", malformed.toString(), "--index", index.toString()),
                malformed + ":4: malformed JSON");
        Path missing = corpus("missing.jsonl", GOOD + "{\"id\": \"d4\", \"title\": \"no text\"}\n");
        assertBadInput(run("index", "--corpus", missing.toString(), "--index", index.toString()),
                missing + ":4: missing field 'text'");
        Path dup = corpus("dup.jsonl", GOOD + "{\"id\": \"d2\", \"text\": \"again\"}\n");
        assertBadInput(run("index", "--corpus", dup.toString(), "--index", index.toString()),
                dup + ":4: duplicate passage id 'd2'");
        Path empty = corpus("empty.jsonl", "");
        assertBadInput(run("index", "--corpus", empty.toString(), "--index", index.toString()),
                empty + ": empty corpus");
        assertBadInput(run("index", "--corpus", tmp.resolve("absent.jsonl").toString(), "--index", index.toString()),
                "absent.jsonl", "no such corpus file");
        assertBadInput(run("index", "--corpus", dup.toString(), "--index", index.toString(), "--b", "1.5"),
                "b value: 1.5");
        // None of the failed builds left an index (or a temporary directory) behind.
        try (var left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("idx"));
        }
    }

    @Test
    void missingOrForeignIndexExitsTwoWithOneLine() throws Exception {
        Path absent = tmp.resolve("no-index");
        assertBadInput(run("search", "--index", absent.toString(), "--query", "x"), absent + ": no such index directory");
        Path foreign = Files.createDirectories(tmp.resolve("foreign"));
        Files.writeString(foreign.resolve("x.txt"), "not an index");
        assertBadInput(run("search", "--index", foreign.toString(), "--query", "x"), foreign + ": not a Kard index");
        Path queries = corpus("q.jsonl", "{\"_id\": \"q1\", \"text\": \"x\"}\n");
        Path qrels = corpus("qrels.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1\n");
        assertBadInput(run("eval-retrieval", "--index", foreign.toString(), "--queries", queries.toString(),
                "--qrels", qrels.toString()), "not a Kard index");
    }

    @Test
    void badQueriesOrQrelsExitTwo() throws Exception {
        Path index = tmp.resolve("idx");
        assertThat(run("index", "--corpus", corpus("c.jsonl", GOOD).toString(), "--index", index.toString()).code()).isZero();
        Path queries = corpus("q.jsonl", "{\"_id\": \"q1\", \"text\": \"apples\"}\n{\"_id\": \"q2\"\n");
        Path qrels = corpus("qrels.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1\n");
        assertBadInput(run("eval-retrieval", "--index", index.toString(), "--queries", queries.toString(),
                "--qrels", qrels.toString()), queries + ":2: malformed JSON");
        Path okQueries = corpus("q2.jsonl", "{\"_id\": \"q1\", \"text\": \"apples\"}\n");
        Path unknown = corpus("qrels2.tsv", "query-id\tcorpus-id\tscore\nq9\td1\t1\n");
        assertBadInput(run("eval-retrieval", "--index", index.toString(), "--queries", okQueries.toString(),
                "--qrels", unknown.toString()), "judged query 'q9' is not in the queries file");
    }
}
