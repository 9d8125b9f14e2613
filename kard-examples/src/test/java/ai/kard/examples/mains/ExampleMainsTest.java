package ai.kard.examples.mains;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.kard.examples.cli.CliRun;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs each example main on the tiny invented-facts benchmark and checks what it prints and writes. */
class ExampleMainsTest {
    /** The pretrained encoder RerankerExample starts from; the test skips without it. */
    static final Path MINILM =
            Path.of(System.getProperty("kard.repo.root", ".")).resolve("../shared/models/all-minilm-l6-v2");

    @TempDir
    static Path dir;
    static Path data;

    @BeforeAll
    static void benchmark() {
        data = dir.resolve("data");
        CliRun.tinyBenchmark(data, 8);
    }

    interface Main {
        void run() throws Exception;
    }

    private static String stdout(Main main) throws Exception {
        PrintStream before = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            main.run();
        } finally {
            System.setOut(before);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String file(String name) {
        return data.resolve(name).toString();
    }

    @Test
    void searchDistillAndAnswer() throws Exception {
        Path index = dir.resolve("search-index");
        String search = stdout(() -> SearchExample.main(new String[] {file("corpus.jsonl"), index.toString(),
            "inherited disease gene treatment", "3"}));
        assertThat(search.lines().findFirst().orElseThrow()).matches("\\d+ passages, BM25\\(k1=0.9,b=0.4\\).*");
        assertThat(search.lines().skip(1).toList()).hasSize(3).allMatch(l -> l.matches("\\d\t\\d+\\.\\d{4}\t\\S+\t.*"));

        Path out = dir.resolve("distilled");
        String distill = stdout(() -> DistillExample.main(new String[] {file("corpus.jsonl"), file("train.jsonl"),
            file("rationales-train.jsonl"), out.toString(), "1"}));
        assertThat(distill).contains("question: ", "passages: [", "option: ", "saved " + out.resolve("model"));
        assertThat(out.resolve("model").resolve("kard.json")).exists();

        String answer = stdout(() -> AnswerExample.main(new String[] {out.resolve("model").toString(),
            out.resolve("index").toString(), file("test.jsonl")}));
        assertThat(answer.strip().lines().reduce((a, b) -> b).orElseThrow()).matches("accuracy=[01]\\.\\d{4} n=4");
    }

    @Test
    void rerankerFromPretrainedEncoder() throws Exception {
        assumeTrue(Files.isRegularFile(MINILM.resolve("model.safetensors")), "no " + MINILM);
        Path index = dir.resolve("reranker-index");
        CliRun.index(data, index);
        Path out = dir.resolve("reranker");
        String printed = stdout(() -> RerankerExample.main(new String[] {index.toString(), file("train.jsonl"),
            file("rationales-train.jsonl"), MINILM.toString(), out.toString(), "2"}));
        assertThat(printed.lines().filter(l -> l.matches("-?\\d+\\.\\d{4}\t\\S+\t.*")).count()).isEqualTo(3);
        assertThat(out.resolve("reranker.json")).exists();
    }

    @Test
    void teacherAgainstALocalEndpoint() throws Exception {
        // A fake OpenAI-compatible server that always concludes "(A)"; one sample per question.
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/chat/completions", ex -> {
            ex.getRequestBody().readAllBytes();
            byte[] body = ("{\"choices\":[{\"message\":{\"content\":\"Step one. So the answer is (A).\"},"
                    + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7}}")
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        });
        server.start();
        try {
            Path out = dir.resolve("teacher.jsonl");
            String printed = stdout(() -> TeacherExample.main(new String[] {
                "http://127.0.0.1:" + server.getAddress().getPort(), "fake-model", file("test.jsonl"), out.toString(),
                "1"}));
            Matcher m = Pattern.compile("questions=(\\d+) .*done=(\\d+) failed=(\\d+)").matcher(printed);
            assertThat(m.find()).as(printed).isTrue();
            assertThat(m.group(1)).isEqualTo("4");
            assertThat(m.group(3)).isEqualTo("0");
            assertThat(Files.readAllLines(out)).hasSize(4).allMatch(l -> l.contains("So the answer is (A)."));
        } finally {
            server.stop(0);
        }
    }
}
