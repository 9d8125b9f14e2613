package ai.kard.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.kard.api.InvalidInputException;
import ai.kard.api.Prediction;
import ai.kard.api.Question;
import ai.kard.api.Rationale;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RationaleReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsKardLinesWithVerdictsAndErrors() throws IOException {
        Path f = dir.resolve("r.jsonl");
        Files.writeString(f, """
                {"id":"q1","rationale":"one","kept":true,"reason":"kept","unknown":3}
                {"id":"q1","rationale":"two","kept":false,"reason":"wrong_answer"}
                {"id":"q2","error":"HTTP 500 after 5 tries"}
                {"id":"q3","rationale":"three"}
                """);
        assertThat(RationaleReader.read(f)).containsExactly(new Rationale("q1", "one"), new Rationale("q3", "three"));
        List<RationaleRecord> all = RationaleReader.readRecords(f);
        assertThat(all).hasSize(4);
        assertThat(all.get(2).isError()).isTrue();
        assertThat(all.get(1).reason()).isEqualTo("wrong_answer");
    }

    @Test
    void writerRoundTripsGzip() throws IOException {
        List<RationaleRecord> records = List.of(
                new RationaleRecord("q1", null, "a\nb \"c\"", true, "kept", null, "stop"),
                new RationaleRecord("q1", 7, "cut", false, "truncated", null, "length"),
                RationaleRecord.failure("q2", "boom"),
                RationaleRecord.of("q3", "plain"));
        Path out = dir.resolve("out.jsonl.gz");
        RationaleWriter.write(out, records);
        List<RationaleRecord> back = RationaleReader.readRecords(out);
        // "stop" is the default and not written
        assertThat(back.get(0)).isEqualTo(new RationaleRecord("q1", null, "a\nb \"c\"", true, "kept", null, null));
        assertThat(back.subList(1, 4)).isEqualTo(records.subList(1, 4));
    }

    @Test
    void readsReleasedAndRawResponseForms() throws IOException {
        Path released = dir.resolve("rel.jsonl");
        Files.writeString(released, "{\"row\":0,\"id\":\"train-00000\",\"rationales\":[\"r1\",\"r2\"],"
                + "\"finish_reasons\":[\"stop\",\"content_filter\"]}\n");
        List<RationaleRecord> rel = RationaleReader.readRecords(released);
        assertThat(rel).containsExactly(new RationaleRecord("train-00000", 0, "r1", null, null, null, "stop"),
                new RationaleRecord("train-00000", 0, "r2", null, null, null, "content_filter"));

        Path raw = Files.createDirectories(dir.resolve("raw"));
        Files.writeString(raw.resolve("00002.json"), """
                {"id": "chatcmpl-1", "object": "chat.completion",
                 "choices": [{"index": 0, "message": {"role": "assistant", "content": "x"}, "finish_reason": "stop"},
                             {"index": 1, "message": {"role": "assistant", "content": "y"}, "finish_reason": "length"}]}
                """);
        List<RationaleRecord> fromDir = RationaleReader.readRecords(raw);
        assertThat(fromDir).extracting(RationaleRecord::row).containsExactly(2, 2);
        assertThat(fromDir).extracting(RationaleRecord::questionId).containsOnlyNulls();
        assertThatThrownBy(() -> RationaleReader.read(raw)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("--questions");
    }

    @Test
    void malformedLinesNameFileLineAndField() throws IOException {
        Path f = dir.resolve("bad.jsonl");
        Files.writeString(f, "{\"id\":\"q\",\"rationale\":\"ok\"}\n{\"id\":\"q\"}\n");
        assertThatThrownBy(() -> RationaleReader.read(f)).hasMessage(f + ":2: missing field 'rationale'");
        Files.writeString(f, "{\"id\":\"q\",\"rationale\":\"ok\",\"kept\":\"yes\"}\n");
        assertThatThrownBy(() -> RationaleReader.read(f)).hasMessageContaining(":1: field 'kept'");
        Files.writeString(f, "{\"rationale\":\"ok\"}\n");
        assertThatThrownBy(() -> RationaleReader.read(f)).hasMessageContaining(":1: missing field 'id'");
        Files.writeString(f, "{\"id\":\"q\",\"rationales\":[1]}\n");
        assertThatThrownBy(() -> RationaleReader.read(f)).hasMessageContaining(":1: field 'rationales[0]'");
    }

    @Test
    void predictionWriterFormat() throws IOException {
        Question q = new Question("q1", "Q", List.of("x", "y", "z"), 2);
        Path out = dir.resolve("p.jsonl");
        PredictionWriter.write(out, List.of(new Prediction("q1", 2, "because\nAnswer: C", List.of("p7", "p3")),
                new Prediction("q2", null, "???", List.of())), Map.of("q1", q));
        List<String> lines = Files.readAllLines(out);
        ObjectMapper m = new ObjectMapper();
        JsonNode a = m.readTree(lines.get(0));
        assertThat(a.get("prediction").asInt()).isEqualTo(2);
        assertThat(a.get("answer").asText()).isEqualTo("C");
        assertThat(a.get("correct").asBoolean()).isTrue();
        assertThat(a.get("passages").toString()).isEqualTo("[\"p7\",\"p3\"]");
        JsonNode b = m.readTree(lines.get(1));
        assertThat(b.get("prediction").isNull()).isTrue();
        assertThat(b.get("correct").isNull()).isTrue();
    }

    @Test
    void releasedFilesRead() throws IOException {
        Path shared = QuestionReaderTest.SHARED.resolve("data");
        // counts from each SOURCE.md: questions x samples
        record Released(String dataset, int questions, int samples) { }
        for (Released r : List.of(new Released("strategyqa", 1603, 10), new Released("obqa", 4957, 20),
                new Released("medqa", 10178, 10))) {
            Path f = shared.resolve(r.dataset() + "/rationales/kard_chatgpt_train_rationales.jsonl.gz");
            assumeTrue(Files.exists(f), f + " absent");
            List<RationaleRecord> rs = RationaleReader.readRecords(f);
            assertThat(rs).as(r.dataset()).hasSize(r.questions() * r.samples());
            assertThat(rs.stream().map(RationaleRecord::questionId).distinct().count()).as(r.dataset())
                    .isEqualTo(r.questions());
            assertThat(rs).as(r.dataset()).allMatch(x -> x.row() != null && !x.text().isEmpty());
        }
    }
}
