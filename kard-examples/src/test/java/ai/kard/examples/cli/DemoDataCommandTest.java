package ai.kard.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.kard.retrieval.eval.Qrels;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoDataCommandTest {

    @Test
    void writesEveryFileWithTheRequestedSizes(@TempDir Path dir) throws Exception {
        StringWriter out = new StringWriter();
        int code = KardCli.run(new PrintWriter(out), new PrintWriter(new StringWriter()), "demo-data",
                "--out", dir.toString(), "--seed", "3", "--entities", "60", "--train", "50",
                "--validation", "8", "--test", "10", "--rationales", "2");
        assertThat(code).isEqualTo(KardCli.OK);
        assertThat(out.toString()).contains("train=50 validation=8 test=10");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly(
                    "corpus.jsonl", "demo.json", "gold-passages.tsv", "rationales-test.jsonl",
                    "rationales-train.jsonl", "rationales-validation.jsonl", "test.jsonl", "train.jsonl",
                    "validation.jsonl");
        }
        List<String> test = Files.readAllLines(dir.resolve("test.jsonl"));
        assertThat(test).hasSize(10).allSatisfy(line -> assertThat(line).contains("\"options\":[")
                .containsPattern("\"answer\":[0-3]").containsPattern("\"kind\":\"(direct|two-hop)\""));
        assertThat(Files.readAllLines(dir.resolve("rationales-test.jsonl"))).hasSize(20);
        List<String> gold = Files.readAllLines(dir.resolve("gold-passages.tsv"));
        assertThat(gold).hasSize(69).first().isEqualTo("query-id\tcorpus-id\tscore");
        assertThat(gold.subList(1, gold.size()))
                .allMatch(line -> line.matches("(train|validation|test)-\\d{4}\tent-\\d{4}\t1"));
        assertThat(Qrels.read(dir.resolve("gold-passages.tsv")).of("test-0001")).hasSize(1);
    }

    @Test
    void tooFewEntitiesIsBadInputAndWritesNothing(@TempDir Path dir) throws Exception {
        StringWriter err = new StringWriter();
        Path out = dir.resolve("demo");
        int code = KardCli.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "demo-data",
                "--out", out.toString(), "--entities", "50");
        assertThat(code).isEqualTo(KardCli.BAD_INPUT);
        assertThat(err.toString().strip()).startsWith("kard demo-data: entities 50 is too few").doesNotContain("\n");
        assertThat(out).doesNotExist();
    }
}
