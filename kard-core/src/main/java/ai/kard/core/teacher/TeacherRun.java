package ai.kard.core.teacher;

import ai.kard.api.InvalidInputException;
import ai.kard.api.Question;
import ai.kard.core.answer.FilterReport;
import ai.kard.core.data.RationaleRecord;
import ai.kard.core.data.RationaleWriter;
import ai.kard.core.internal.teacher.ResumableOutput;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A resumable teacher run over a question file: {@code samples} rationales per question, filtered, appended
 * to the output question by question (see {@link ResumableOutput}); a question that finally fails gets one
 * {@code error} line and the run goes on; an authentication failure stops everything at once. Re-running with
 * the same output skips the complete questions and retries the failed ones.
 */
public final class TeacherRun {
    private static final Logger LOG = LoggerFactory.getLogger(TeacherRun.class);

    /** Progress after each finished question. */
    public record Progress(int finished, int toDo, int failed, long kept, long dropped, Duration elapsed) {
        /**
         * Questions per second so far.
         *
         * @return questions per second
         */
        public double rate() {
            double s = elapsed.toMillis() / 1000.0;
            return s <= 0 ? 0 : finished / s;
        }

        /**
         * Estimated time left at the current rate.
         *
         * @return the estimate
         */
        public Duration eta() {
            double r = rate();
            return r <= 0 ? Duration.ZERO : Duration.ofSeconds((long) Math.ceil((toDo - finished) / r));
        }

        @Override
        public String toString() {
            Duration eta = eta();
            return String.format(Locale.ROOT,
                    "teacher: %d/%d questions (%.1f%%) failed=%d kept=%d dropped=%d %.2f q/s ETA %dh%02dm%02ds",
                    finished, toDo, toDo == 0 ? 100.0 : 100.0 * finished / toDo, failed, kept, dropped, rate(),
                    eta.toHours(), eta.toMinutesPart(), eta.toSecondsPart());
        }
    }

    private final TeacherConfig config;
    private final ChatCompletionsClient client;
    private final Teacher teacher;

    /**
     * A run with a configuration and a prompt builder.
     *
     * @param config the endpoint and sampling settings
     * @param prompts the prompt builder
     */
    public TeacherRun(TeacherConfig config, PromptBuilder prompts) {
        this(config, new ChatCompletionsClient(config), prompts);
    }

    TeacherRun(TeacherConfig config, ChatCompletionsClient client, PromptBuilder prompts) {
        this.config = config;
        this.client = client;
        this.teacher = new Teacher(client, prompts);
    }

    /**
     * Generates rationales for every question not yet complete in {@code out}.
     *
     * @throws TeacherAuthException when the endpoint refuses the credentials (nothing more is sent)
     * @throws InterruptedException when interrupted; finished questions are on disk, in-flight ones are lost
     * @param questions the questions
     * @param out the output file (JSON Lines); complete questions in it are skipped
     * @param progress receives progress after each question (may be null)
     * @return what the run did
     */
    public TeacherSummary run(List<Question> questions, Path out, Consumer<Progress> progress)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        Set<String> ids = new HashSet<>();
        for (Question q : questions) {
            if (q.answer() == null) {
                throw new InvalidInputException("question " + q.id() + " has no gold answer: the teacher explains "
                        + "known answers");
            }
            if (!ids.add(q.id())) {
                throw new InvalidInputException("duplicate question id " + q.id());
            }
        }
        FilterReport report = new FilterReport();
        AtomicInteger finished = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong promptTokens = new AtomicLong();
        AtomicLong completionTokens = new AtomicLong();
        AtomicLong calls = new AtomicLong();
        AtomicBoolean stopped = new AtomicBoolean();
        AtomicInteger consecutiveFailures = new AtomicInteger();
        String[] lastFailure = new String[1];
        try (ResumableOutput output = ResumableOutput.open(out, ids, config.samples())) {
            if (output.repairedLines() > 0) {
                LOG.warn("{}: removed {} lines of incomplete or failed questions left by an earlier run", out,
                        output.repairedLines());
            }
            List<Question> todo = questions.stream().filter(q -> !output.complete().contains(q.id())).toList();
            LOG.info("teacher: {} questions, {} already complete, {} to do, {}", questions.size(),
                    questions.size() - todo.size(), todo.size(), config);
            ExecutorService pool = Executors.newFixedThreadPool(config.concurrency(), r -> {
                Thread t = new Thread(r, "kard-teacher");
                t.setDaemon(true);
                return t;
            });
            ExecutorCompletionService<Void> done = new ExecutorCompletionService<>(pool);
            List<Future<Void>> futures = new ArrayList<>();
            try {
                for (Question q : todo) {
                    futures.add(done.submit(() -> {
                        if (stopped.get()) {
                            return null; // an authentication failure elsewhere: send nothing more
                        }
                        List<String> lines = new ArrayList<>();
                        try {
                            Teacher.Generation g = teacher.generate(q, config.samples(), report);
                            promptTokens.addAndGet(g.promptTokens());
                            completionTokens.addAndGet(g.completionTokens());
                            calls.addAndGet(g.calls());
                            g.records().forEach(r -> lines.add(RationaleWriter.line(r)));
                            consecutiveFailures.set(0);
                        } catch (TeacherAuthException e) {
                            stopped.set(true);
                            throw e;
                        } catch (TeacherException e) {
                            failed.incrementAndGet();
                            LOG.warn("question {} failed: {}", q.id(), e.getMessage());
                            lines.add(RationaleWriter.line(RationaleRecord.failure(q.id(), e.getMessage())));
                            int limit = config.maxConsecutiveFailures();
                            if (limit > 0 && consecutiveFailures.incrementAndGet() >= limit && !stopped.getAndSet(true)) {
                                lastFailure[0] = e.getMessage();
                            }
                        }
                        output.appendQuestion(lines);
                        int n = finished.incrementAndGet();
                        progress.accept(new Progress(n, todo.size(), failed.get(), report.kept(), report.dropped(),
                                Duration.ofNanos(System.nanoTime() - start)));
                        return null;
                    }));
                }
                for (int i = 0; i < futures.size(); i++) {
                    try {
                        done.take().get();
                    } catch (ExecutionException e) {
                        Throwable cause = e.getCause();
                        if (cause instanceof IOException io) {
                            throw io; // auth failure, or the output cannot be written: stop everything
                        }
                        if (cause instanceof InterruptedException) {
                            throw new InterruptedException("teacher worker interrupted");
                        }
                        throw new IllegalStateException("teacher worker failed", cause);
                    }
                }
            } finally {
                pool.shutdownNow();
                if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
                    LOG.warn("teacher workers did not stop within 30 s");
                }
            }
            if (lastFailure[0] != null) {
                throw new TeacherException(config.maxConsecutiveFailures() + " questions in a row failed, stopping ("
                        + finished.get() + " finished, failed ones have error lines and are retried by a re-run); last "
                        + "error: " + lastFailure[0]);
            }
            return new TeacherSummary(questions.size(), questions.size() - todo.size(), finished.get() - failed.get(),
                    failed.get(), report.kept(), report.dropped(), report.byReason(), promptTokens.get(),
                    completionTokens.get(), calls.get(), client.retries(), output.repairedLines(),
                    Duration.ofNanos(System.nanoTime() - start));
        }
    }
}
