package ai.kard.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TeacherCommandTest {
    private static final Pattern GOLD = Pattern.compile("Answer: \\(([A-Z])\\)\\\\nExplanation:\"");

    @TempDir
    Path dir;
    HttpServer server;
    volatile int status = 200;
    final AtomicInteger counter = new AtomicInteger();
    final AtomicReference<String> auth = new AtomicReference<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/chat/completions", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            auth.set(ex.getRequestHeaders().getFirst("Authorization"));
            Matcher m = GOLD.matcher(body);
            String letter = m.find() ? m.group(1) : "?";
            StringBuilder choices = new StringBuilder();
            for (int i = 0; i < 2; i++) {
                choices.append(i == 0 ? "" : ",").append("{\"message\":{\"content\":\"Step ").append(counter.incrementAndGet())
                        .append(". So the answer is (").append(letter).append(").\"},\"finish_reason\":\"stop\"}");
            }
            byte[] out = (status == 200 ? "{\"choices\":[" + choices + "],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7}}"
                    : "{\"error\":\"no\"}").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, out.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(out);
            }
        });
        server.start();
        TeacherCommand.environment = name -> name.equals("MY_KEY") ? "sk-test-secret" : null;
    }

    @AfterEach
    void stop() {
        server.stop(0);
        TeacherCommand.environment = System::getenv;
    }

    private String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private int run(StringWriter out, StringWriter err, String... args) {
        return KardCli.run(new PrintWriter(out), new PrintWriter(err), args);
    }

    private Path questions() throws IOException {
        Path q = dir.resolve("q.jsonl");
        Files.writeString(q, """
                {"id":"a","question":"Is water wet?","options":["yes","no"],"answer":0}
                {"id":"b","question":"Is fire cold?","options":["yes","no"],"answer":1}
                {"id":"c","question":"Which is a metal?","options":["wood","iron","glass"],"answer":"B"}
                """);
        return q;
    }

    @Test
    void generatesAndResumes() throws IOException {
        Path q = questions();
        Path out = dir.resolve("r.jsonl");
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = run(o, e, "teacher", "--endpoint", endpoint(), "--model", "m", "--questions", q.toString(),
                "--out", out.toString(), "--samples", "2", "--api-key-env", "MY_KEY", "--concurrency", "2");
        assertThat(code).as(e.toString()).isZero();
        assertThat(o.toString()).contains("done=3").contains("failed=0").contains("rationales_kept=6")
                .contains("prompt_tokens=15").contains("completion_tokens=21");
        assertThat(e.toString()).contains("teacher: 3/3 questions").doesNotContain("sk-test-secret");
        assertThat(auth.get()).isEqualTo("Bearer sk-test-secret");
        assertThat(Files.readAllLines(out)).hasSize(6).allMatch(l -> l.contains("\"kept\":true"));

        StringWriter o2 = new StringWriter();
        assertThat(run(o2, new StringWriter(), "teacher", "--endpoint", endpoint(), "--model", "m", "--questions",
                q.toString(), "--out", out.toString(), "--samples", "2")).isZero();
        assertThat(o2.toString()).contains("already_complete=3").contains("done=0");
        assertThat(Files.readAllLines(out)).hasSize(6);
    }

    @Test
    void unauthorizedIsBadInputWithOneLine() throws IOException {
        status = 401;
        StringWriter e = new StringWriter();
        int code = run(new StringWriter(), e, "teacher", "--endpoint", endpoint(), "--model", "m", "--questions",
                questions().toString(), "--out", dir.resolve("r.jsonl").toString(), "--api-key-env", "MY_KEY");
        assertThat(code).isEqualTo(KardCli.BAD_INPUT);
        assertThat(e.toString()).contains("HTTP 401").contains("$MY_KEY").doesNotContain("sk-test-secret");
    }

    @Test
    void badArgumentsAreBadInput() throws IOException {
        StringWriter e = new StringWriter();
        assertThat(run(new StringWriter(), e, "teacher", "--endpoint", "localhost:1", "--model", "m", "--questions",
                questions().toString(), "--out", dir.resolve("r.jsonl").toString())).isEqualTo(KardCli.BAD_INPUT);
        assertThat(e.toString()).contains("must start with http");
        StringWriter e2 = new StringWriter();
        assertThat(run(new StringWriter(), e2, "teacher", "--endpoint", endpoint(), "--model", "m", "--questions",
                dir.resolve("missing.jsonl").toString(), "--out", dir.resolve("r.jsonl").toString()))
                .isEqualTo(KardCli.BAD_INPUT);
        assertThat(e2.toString()).contains("missing.jsonl");
    }

    @Test
    void importRationalesFiltersAndReports() throws IOException {
        Path q = questions();
        Path in = dir.resolve("released.jsonl");
        Files.writeString(in, String.join("\n", List.of(
                "{\"row\":0,\"id\":\"a\",\"rationales\":[\"Water wets. So the answer is (A) yes.\",\"No way. The answer is (B).\","
                        + "\"Hmm.\"],\"finish_reasons\":[\"stop\",\"stop\",\"stop\"]}",
                "{\"row\":1,\"id\":\"b\",\"rationales\":[\"Fire is hot, so the answer is (B) no.\",\"Fire is hot, so the answer is (B) no.\"]}")) + "\n");
        Path out = dir.resolve("imported.jsonl");
        StringWriter o = new StringWriter();
        int code = run(o, new StringWriter(), "import-rationales", "--questions", q.toString(), "--in", in.toString(),
                "--out", out.toString());
        assertThat(code).isZero();
        assertThat(o.toString()).contains("imported 5 rationales for 2 questions").contains("kept=2 dropped=3")
                .containsPattern("wrong_answer\\s+1").containsPattern("no_answer\\s+1").containsPattern("duplicate\\s+1");
        assertThat(Files.readAllLines(out)).hasSize(5);

        StringWriter e = new StringWriter();
        Path other = dir.resolve("other.jsonl");
        Files.writeString(other, "{\"id\":\"zzz\",\"rationale\":\"x\"}\n");
        assertThat(run(new StringWriter(), e, "import-rationales", "--questions", q.toString(), "--in", other.toString(),
                "--out", dir.resolve("x.jsonl").toString())).isEqualTo(KardCli.BAD_INPUT);
        assertThat(e.toString()).contains("matches a question id");
        assertThat(Files.exists(dir.resolve("x.jsonl"))).isFalse();

        StringWriter o3 = new StringWriter();
        assertThat(run(o3, new StringWriter(), "import-rationales", "--in", other.toString(), "--out",
                dir.resolve("y.jsonl").toString())).isZero();
        assertThat(o3.toString()).contains("unverified=1").contains("not checked");
    }
}
