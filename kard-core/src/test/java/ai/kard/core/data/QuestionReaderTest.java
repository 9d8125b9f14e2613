package ai.kard.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.kard.api.InvalidInputException;
import ai.kard.api.Question;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuestionReaderTest {
    static final Path SHARED = Path.of(System.getProperty("kard.repo.root", ".")).resolve("../shared").normalize();

    @TempDir
    Path dir;

    private Path file(String name, String... lines) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, String.join("\n", lines) + "\n");
        return f;
    }

    @Test
    void readsEveryFormInOneFile() throws IOException {
        Path f = file("mixed.jsonl",
                "{\"id\":\"k1\",\"question\":\"Q1?\",\"options\":[\"a\",\"b\",\"c\"],\"answer\":2,\"extra\":{\"x\":1}}",
                "{\"id\":\"k2\",\"question\":\"Q2?\",\"options\":[\"a\",\"b\"],\"answer\":\"b\"}",
                "",
                "{\"question\":\"Med?\",\"options\":{\"B\":\"two\",\"A\":\"one\",\"C\":\"three\"},\"answer_idx\":\"C\",\"answer\":\"three\"}",
                "{\"id\":\"h1\",\"sent1\":\"Stem\",\"sent2\":\"\",\"ending0\":\"yes\",\"ending1\":\"no\",\"ending2\":\"\",\"ending3\":\"\",\"label\":1}",
                "{\"id\":\"7-980\",\"question\":{\"stem\":\"The sun is\",\"choices\":[{\"label\":\"A\",\"text\":\"hot\"},"
                        + "{\"label\":\"B\",\"text\":\"cold\"}]},\"answerKey\":\"A\"}",
                "{\"qid\":\"s1\",\"question\":\"Is ice cold?\",\"answer\":true}",
                "{\"id\":\"u1\",\"question\":\"Unlabelled?\",\"options\":[\"a\",\"b\"]}",
                "{\"id\":\"t1\",\"question\":\"By text?\",\"options\":[\"iron\",\"wood\"],\"answer\":\"wood\"}");
        List<Question> qs = QuestionReader.read(f);
        assertThat(qs).containsExactly(
                new Question("k1", "Q1?", List.of("a", "b", "c"), 2),
                new Question("k2", "Q2?", List.of("a", "b"), 1),
                new Question("line-4", "Med?", List.of("one", "two", "three"), 2),
                new Question("h1", "Stem", List.of("yes", "no"), 1),
                new Question("7-980", "The sun is", List.of("hot", "cold"), 0),
                new Question("s1", "Is ice cold?", List.of("yes", "no"), 0),
                new Question("u1", "Unlabelled?", List.of("a", "b"), null),
                new Question("t1", "By text?", List.of("iron", "wood"), 1));
    }

    @Test
    void byteOrderMarkIsIgnored() throws IOException {
        Path f = file("bom.jsonl", "\uFEFF{\"id\":\"a\",\"question\":\"Q\",\"options\":[\"x\",\"y\"],\"answer\":0}");
        assertThat(QuestionReader.read(f)).extracting(Question::id).containsExactly("a");
    }

    @Test
    void readsGzipAndJsonArrays() throws IOException {
        Path gz = dir.resolve("q.jsonl.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write("{\"id\":\"a\",\"question\":\"Q\",\"options\":[\"x\",\"y\"],\"answer\":0}\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(QuestionReader.read(gz)).hasSize(1);
        Path array = file("a.json", "[", " {\"qid\":\"s1\",\"question\":\"Q?\",\"answer\":false},",
                " {\"qid\":\"s2\",\"question\":\"R?\",\"answer\":true}", "]");
        assertThat(QuestionReader.read(array)).extracting(Question::answer).containsExactly(1, 0);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"id\":\"a\",\"question\":\"Q\",\"options\":[\"x\",\"y\"],\"answer\":5}|2|'answer' = 5 is outside the 2 options",
        "{\"id\":\"a\",\"question\":\"Q\",\"options\":[\"x\",\"y\"],\"answer\":\"Z\"}|2|'answer' = 25",
        "{\"id\":\"a\",\"question\":\"Q\",\"options\":[\"x\"],\"answer\":0}|2|at least 2 are needed",
        "{\"id\":\"a\",\"question\":\"Q\"}|2|field 'options'",
        "{\"id\":\"a\",\"text\":\"Q\"}|2|missing field 'question'",
        "{\"id\":\"a\",\"question\":\"Q\",|2|malformed JSON",
        "[1,2]|2|expected a JSON object",
        "{\"id\":\"h\",\"sent1\":\"S\",\"ending0\":\"a\",\"ending1\":\"\",\"ending2\":\"c\",\"label\":0}|2|'ending1' is empty",
        "{\"id\":\"o\",\"question\":{\"stem\":\"S\",\"choices\":[{\"label\":\"A\",\"text\":\"x\"},{\"label\":\"B\",\"text\":\"y\"}]},\"answerKey\":\"D\"}|2|'answerKey' \"D\"",
        "{\"question\":\"Q\",\"options\":{\"A\":\"x\",\"C\":\"y\"},\"answer_idx\":\"A\"}|2|keys A, B, C",
        "{\"id\":\"a\",\"question\":\"Q\",\"options\":[\"x\",\"y\"],\"answer\":0}|2|duplicate question id 'a'",
    })
    void malformedLineNamesFileLineAndField(String line2, long lineNo, String message) throws IOException {
        String first = message.startsWith("duplicate")
                ? "{\"id\":\"a\",\"question\":\"Q\",\"options\":[\"x\",\"y\"],\"answer\":0}"
                : "{\"id\":\"ok\",\"question\":\"Q\",\"options\":[\"x\",\"y\"],\"answer\":0}";
        Path f = file("bad.jsonl", first, line2);
        assertThatThrownBy(() -> QuestionReader.read(f)).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith(f + ":" + lineNo + ": ").hasMessageContaining(message)
                .satisfies(e -> assertThat(((InvalidInputException) e).line()).isEqualTo(lineNo));
    }

    @Test
    void emptyFileIsAnError() throws IOException {
        Path f = file("empty.jsonl", "");
        assertThatThrownBy(() -> QuestionReader.read(f)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("no questions");
    }

    @Test
    void writerRoundTrips() throws IOException {
        List<Question> qs = List.of(new Question("a", "Q \"quoted\"\nline", List.of("x", "y"), 1),
                new Question("b", "R", List.of("x", "y", "z"), null));
        Path out = dir.resolve("sub/out.jsonl");
        QuestionWriter.write(out, qs);
        assertThat(QuestionReader.read(out)).isEqualTo(qs);
        assertThat(Files.list(out.getParent())).containsExactly(out); // no temp file left behind
        if (out.getFileSystem().supportedFileAttributeViews().contains("posix")) { // readable like any new file
            assertThat(Files.getPosixFilePermissions(out)).contains(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                    java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
            Path plain = Files.writeString(dir.resolve("plain.txt"), "x");
            assertThat(Files.getPosixFilePermissions(out)).isEqualTo(Files.getPosixFilePermissions(plain));
        }
    }

    @Test
    void everyRealKardSplitReads() throws IOException {
        assumeTrue(Files.isDirectory(SHARED.resolve("data")), "../shared/data absent");
        record Split(String path, int rows, int options) { }
        List<Split> splits = List.of(new Split("medqa/kard/dev.json", 1272, 4), new Split("medqa/kard/test.json", 1273, 4),
                new Split("obqa/kard/train.json", 4957, 4), new Split("obqa/kard/dev.json", 500, 4),
                new Split("obqa/kard/test.json", 500, 4), new Split("strategyqa/kard/train.json", 1603, 2),
                new Split("strategyqa/kard/dev.json", 687, 2));
        for (Split s : splits) {
            Path f = SHARED.resolve("data").resolve(s.path());
            assumeTrue(Files.exists(f), f + " absent");
            List<Question> qs = QuestionReader.read(f);
            assertThat(qs).as(s.path()).hasSize(s.rows());
            assertThat(qs).as(s.path()).allSatisfy(q -> {
                assertThat(q.options()).hasSize(s.options());
                assertThat(q.answer()).isNotNull();
            });
        }
        // label counts from SOURCE.md: medqa test 353/309/346/265, strategyqa train 738 yes / 865 no
        assertThat(QuestionReader.read(SHARED.resolve("data/medqa/kard/test.json")).stream()
                .filter(q -> q.answer() == 3).count()).isEqualTo(265);
        assertThat(QuestionReader.read(SHARED.resolve("data/strategyqa/kard/train.json")).stream()
                .filter(q -> q.answer() == 0).count()).isEqualTo(738);
        Path arc = SHARED.resolve("data/arc/ARC-Challenge-Test.jsonl");
        if (Files.exists(arc)) { // OpenBookQA layout, with 3 and 5 choices too
            List<Question> qs = QuestionReader.read(arc);
            assertThat(qs).hasSize(1150);
            assertThat(qs.stream().filter(q -> q.options().size() == 5).count()).isEqualTo(3);
        }
        Path original = SHARED.resolve("data/strategyqa/original/strategyqa_train_90pct_split_dev.json");
        if (Files.exists(original)) {
            assertThat(QuestionReader.read(original)).hasSize(229);
        }
    }
}
