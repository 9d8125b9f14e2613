package ai.kard.core.teacher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.kard.api.InvalidInputException;
import ai.kard.api.Question;
import ai.kard.api.Rationale;
import ai.kard.core.data.RationaleReader;
import ai.kard.core.data.RationaleRecord;
import ai.kard.core.internal.teacher.ResumableOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TeacherRunTest {
    static final List<Question> QUESTIONS = IntStream.range(0, 8)
            .mapToObj(i -> new Question("q" + i, "Question number " + i + "?", List.of("yes", "no"), i % 2))
            .toList();

    @TempDir
    Path dir;
    MockChatServer server;
    final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = new MockChatServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private TeacherConfig.Builder config() {
        return TeacherConfig.builder(server.endpoint(), "mock-model").samples(3).concurrency(2)
                .timeout(Duration.ofSeconds(10)).maxRetries(3)
                .retryDelays(Duration.ofMillis(1), Duration.ofSeconds(30));
    }

    private TeacherRun run(TeacherConfig c) {
        return new TeacherRun(c, new ChatCompletionsClient(c, sleeps::add), PromptBuilder.forTask(PromptBuilder.TaskType.YES_NO));
    }

    private TeacherSummary runAll(TeacherConfig c, Path out) throws Exception {
        return run(c).run(QUESTIONS, out, p -> { });
    }

    private static Map<String, List<RationaleRecord>> byQuestion(Path out) throws IOException {
        return RationaleReader.readRecords(out).stream().collect(Collectors.groupingBy(RationaleRecord::questionId));
    }

    /** Every question has exactly {@code n} distinct rationale lines, or exactly one error line. */
    private static void assertComplete(Path out, int n, Set<String> failed) throws IOException {
        Map<String, List<RationaleRecord>> by = byQuestion(out);
        assertThat(by.keySet()).containsExactlyInAnyOrderElementsOf(QUESTIONS.stream().map(Question::id).toList());
        by.forEach((id, records) -> {
            if (failed.contains(id)) {
                assertThat(records).as(id).hasSize(1).allMatch(RationaleRecord::isError);
            } else {
                assertThat(records).as(id).hasSize(n).noneMatch(RationaleRecord::isError);
                assertThat(records.stream().map(RationaleRecord::text).distinct().count()).as(id).isEqualTo(n);
            }
        });
        assertThat(Files.readString(out)).endsWith("\n");
    }

    @Test
    void generatesFiltersAndSummarises() throws Exception {
        server.someWrong = true;
        Path out = dir.resolve("r.jsonl");
        List<TeacherRun.Progress> progress = new CopyOnWriteArrayList<>();
        TeacherSummary s = run(config().build()).run(QUESTIONS, out, progress::add);
        assertComplete(out, 3, Set.of());
        assertThat(s.done()).isEqualTo(8);
        assertThat(s.failed()).isZero();
        assertThat(s.kept() + s.dropped()).isEqualTo(24);
        assertThat(s.dropped()).isEqualTo(8); // every third sample names the other option
        assertThat(s.reasons()).containsEntry("wrong_answer", 8L);
        List<RationaleRecord> all = RationaleReader.readRecords(out);
        assertThat(all).allMatch(r -> r.kept() != null && r.reason() != null);
        assertThat(RationaleReader.read(out)).hasSize(16); // only kept ones are training data
        assertThat(s.promptTokens()).isEqualTo(800);
        assertThat(s.completionTokens()).isEqualTo(240);
        assertThat(progress).hasSize(8);
        assertThat(progress.get(7).finished()).isEqualTo(8);
        assertThat(progress.get(7).eta()).isEqualTo(Duration.ZERO);
    }

    @Test
    void serverIgnoringNGetsRepeatedCalls() throws Exception {
        server.maxChoices = 1;
        Path out = dir.resolve("r.jsonl");
        TeacherSummary s = runAll(config().build(), out);
        assertComplete(out, 3, Set.of());
        assertThat(s.calls()).isEqualTo(24);
        assertThat(server.requests.get()).isEqualTo(24);
    }

    @Test
    void retries429HonouringRetryAfterAnd5xxWithBackoff() throws Exception {
        server.script.add(new MockChatServer.Status(429, "7"));
        server.script.add(MockChatServer.status(500));
        server.script.add(MockChatServer.status(503));
        Path out = dir.resolve("r.jsonl");
        TeacherSummary s = run(config().concurrency(1).build()).run(QUESTIONS, out, p -> { });
        assertComplete(out, 3, Set.of());
        assertThat(s.retries()).isEqualTo(3);
        assertThat(sleeps).hasSize(3);
        assertThat(sleeps.get(0)).isEqualTo(Duration.ofSeconds(7)); // Retry-After honoured
        // exponential backoff from 1 ms with jitter in [50%, 100%]: retry 2 -> 1..2 ms, retry 3 -> 2..4 ms
        assertThat(sleeps.get(1).toMillis()).isBetween(1L, 2L);
        assertThat(sleeps.get(2).toMillis()).isBetween(2L, 4L);
    }

    @Test
    void retriesTimeoutsDroppedConnectionsInvalidJsonAndEmptyChoices() throws Exception {
        server.script.add(new MockChatServer.Slow(3000));
        server.script.add(new MockChatServer.Drop());
        server.script.add(MockChatServer.INVALID_JSON);
        server.script.add(MockChatServer.EMPTY_CHOICES);
        Path out = dir.resolve("r.jsonl");
        TeacherConfig c = config().concurrency(1).timeout(Duration.ofMillis(500)).maxRetries(5).build();
        TeacherSummary s = run(c).run(QUESTIONS, out, p -> { });
        assertComplete(out, 3, Set.of());
        assertThat(s.retries()).isEqualTo(4);
        assertThat(s.failed()).isZero();
    }

    @Test
    void persistentBadResponsesFailOneQuestionNotTheRun() throws Exception {
        server.alwaysFail.add("Question number 3?");
        Path out = dir.resolve("r.jsonl");
        TeacherSummary s = runAll(config().maxRetries(2).build(), out);
        assertComplete(out, 3, Set.of("q3"));
        assertThat(s.failed()).isEqualTo(1);
        assertThat(s.done()).isEqualTo(7);
        assertThat(byQuestion(out).get("q3").get(0).error()).contains("gave up after 3 tries")
                .contains("not valid JSON");

        // a re-run against a healthy server retries the failed question and nothing else
        server.alwaysFail.clear();
        int before = server.requests.get();
        TeacherSummary again = runAll(config().build(), out);
        assertComplete(out, 3, Set.of());
        assertThat(again.alreadyComplete()).isEqualTo(7);
        assertThat(again.done()).isEqualTo(1);
        assertThat(server.requests.get() - before).isEqualTo(1);
    }

    @Test
    void unauthorizedStopsAtOnceWithoutLeakingTheKey() throws Exception {
        server.script.add(MockChatServer.status(401));
        Path out = dir.resolve("r.jsonl");
        TeacherConfig c = config().concurrency(1).apiKey("sk-secret-123").build();
        assertThat(c.toString()).doesNotContain("sk-secret-123");
        assertThatThrownBy(() -> run(c).run(QUESTIONS, out, p -> { }))
                .isInstanceOf(TeacherAuthException.class).hasMessageContaining("HTTP 401")
                .hasMessageNotContaining("sk-secret-123");
        assertThat(server.requests.get()).isEqualTo(1);
        assertThat(server.authHeaders).containsExactly("Bearer sk-secret-123");
        assertThat(Files.readString(out)).isEmpty(); // no error line: the question is not at fault
        assertThat(sleeps).isEmpty();
    }

    @Test
    void forbiddenStopsTooEvenWithRequestsInFlight() throws Exception {
        server.script.add(MockChatServer.status(403));
        server.baseDelayMillis = 300; // the 403 arrives long before the other requests finish
        Path out = dir.resolve("r.jsonl");
        assertThatThrownBy(() -> run(config().concurrency(4).build()).run(QUESTIONS, out, p -> { }))
                .isInstanceOf(TeacherAuthException.class).hasMessageContaining("HTTP 403");
        // at most the requests already in flight got out; no question was marked failed
        assertThat(server.requests.get()).isLessThanOrEqualTo(4);
        assertThat(Files.readAllLines(out)).noneMatch(l -> l.contains("\"error\""));
    }

    @Test
    void aDeadServerStopsTheRunAfterConsecutiveFailures() throws Exception {
        server.alwaysFail.add("Question number");
        Path out = dir.resolve("r.jsonl");
        TeacherConfig c = config().concurrency(1).maxRetries(1).maxConsecutiveFailures(3).build();
        assertThatThrownBy(() -> run(c).run(QUESTIONS, out, p -> { })).isInstanceOf(TeacherException.class)
                .hasMessageContaining("3 questions in a row failed").hasMessageContaining("not valid JSON");
        assertThat(RationaleReader.readRecords(out)).hasSize(3).allMatch(RationaleRecord::isError);
        assertThat(server.requests.get()).isEqualTo(6);
    }

    @Test
    void otherClientErrorsFailTheQuestionWithoutRetry() throws Exception {
        server.script.add(MockChatServer.status(400));
        Path out = dir.resolve("r.jsonl");
        TeacherSummary s = run(config().concurrency(1).build()).run(QUESTIONS, out, p -> { });
        assertThat(s.failed()).isEqualTo(1);
        assertThat(sleeps).isEmpty();
        assertThat(byQuestion(out).get("q0").get(0).error()).contains("HTTP 400");
    }

    @Test
    void interruptedRunResumesToExactlyTheRequestedLines() throws Exception {
        server.baseDelayMillis = 30;
        Path out = dir.resolve("r.jsonl");
        TeacherConfig c = config().concurrency(3).build();
        Thread[] runner = new Thread[1];
        FutureTask<TeacherSummary> task = new FutureTask<>(() -> run(c).run(QUESTIONS, out, p -> {
            if (p.finished() == 3) {
                runner[0].interrupt(); // the user pressed Ctrl-C with questions in flight
            }
        }));
        runner[0] = new Thread(task);
        runner[0].start();
        assertThatThrownBy(task::get).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(InterruptedException.class);
        runner[0].join();
        Map<String, List<RationaleRecord>> partial = byQuestion(out);
        assertThat(partial.size()).isBetween(3, 7);
        assertThat(partial.values()).allSatisfy(l -> assertThat(l).hasSize(3));

        TeacherSummary s = runAll(c, out);
        assertComplete(out, 3, Set.of());
        assertThat(s.alreadyComplete()).isEqualTo(partial.size());
        assertThat(s.repaired()).isZero();
    }

    @Test
    void crashLeftoversAreRepaired() throws Exception {
        Path out = dir.resolve("r.jsonl");
        runAll(config().build(), out);
        List<String> lines = Files.readAllLines(out);
        Function<String, List<String>> linesOf = id -> lines.stream().filter(l -> l.contains("\"id\":\"" + id + "\"")).toList();
        // keep q0..q5 complete, q6 with only 2 of its 3 lines and q7's first line cut mid-way: a kill during a write
        List<String> kept = new ArrayList<>(lines.stream().filter(l -> !l.contains("\"q6\"") && !l.contains("\"q7\"")).toList());
        kept.addAll(linesOf.apply("q6").subList(0, 2));
        String cut = linesOf.apply("q7").get(0);
        Files.writeString(out, String.join("\n", kept) + "\n" + cut.substring(0, cut.length() / 2), StandardCharsets.UTF_8);
        List<String> q0Before = linesOf.apply("q0");

        TeacherSummary s = runAll(config().build(), out);
        assertThat(s.repaired()).isEqualTo(3);
        assertThat(s.alreadyComplete()).isEqualTo(6);
        assertThat(s.done()).isEqualTo(2);
        assertComplete(out, 3, Set.of());
        assertThat(Files.readAllLines(out).stream().filter(l -> l.contains("\"id\":\"q0\"")).toList()).isEqualTo(q0Before);
        // the two complete lines of the cut question were kept aside, not lost
        assertThat(Files.readAllLines(dir.resolve("r.jsonl.incomplete.jsonl"))).isEqualTo(linesOf.apply("q6").subList(0, 2));

        // an extra (duplicated) line makes a question incomplete too: it is regenerated, never kept twice
        Files.writeString(out, linesOf.apply("q1").get(0) + "\n", StandardOpenOption.APPEND);
        TeacherSummary again = runAll(config().build(), out);
        assertThat(again.repaired()).isEqualTo(4);
        assertComplete(out, 3, Set.of());
    }

    @Test
    void refusesForeignOutputsAndConcurrentWriters() throws Exception {
        Path out = dir.resolve("r.jsonl");
        Files.writeString(out, "{\"id\":\"other\",\"rationale\":\"x\"}\n");
        assertThatThrownBy(() -> runAll(config().build(), out)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'other' is not in the questions file");
        Path fresh = dir.resolve("f.jsonl");
        try (ResumableOutput first = ResumableOutput.open(fresh, Set.of("q0"), 3)) {
            assertThatThrownBy(() -> ResumableOutput.open(fresh, Set.of("q0"), 3))
                    .isInstanceOf(InvalidInputException.class).hasMessageContaining("another process");
        }
        assertThatThrownBy(() -> run(config().build()).run(List.of(new Question("u", "Q", List.of("a", "b"), null)),
                fresh, p -> { })).hasMessageContaining("no gold answer");
    }

    @Test
    void teacherIsARationaleSource() throws Exception {
        server.someWrong = true;
        TeacherConfig c = config().build();
        Teacher teacher = new Teacher(new ChatCompletionsClient(c, sleeps::add),
                PromptBuilder.forTask(PromptBuilder.TaskType.YES_NO));
        List<Rationale> rs = teacher.rationalesFor(QUESTIONS.get(1), 6);
        assertThat(rs).hasSize(4).allMatch(r -> r.questionId().equals("q1") && r.text().endsWith("(B)."));
    }
}
