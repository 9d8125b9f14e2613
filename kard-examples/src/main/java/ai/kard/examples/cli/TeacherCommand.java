package ai.kard.examples.cli;

import ai.kard.api.InvalidInputException;
import ai.kard.api.InvalidSettingException;
import ai.kard.api.Question;
import ai.kard.core.data.QuestionReader;
import ai.kard.core.teacher.PromptBuilder;
import ai.kard.core.teacher.TeacherAuthException;
import ai.kard.core.teacher.TeacherConfig;
import ai.kard.core.teacher.TeacherRun;
import ai.kard.core.teacher.TeacherSummary;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kard teacher}: rationales from an OpenAI-compatible endpoint, resumable. */
/** {@code kard teacher}: resumable rationale generation from an OpenAI-compatible endpoint. */
@Command(name = "teacher", mixinStandardHelpOptions = true,
        description = {"Generate teacher rationales for labelled questions from an OpenAI-compatible chat-completions "
                + "endpoint (OpenAI, vLLM, llama.cpp, Ollama).",
                "The output is rationale JSONL with kept/reason per rationale; re-running with the same --out skips "
                        + "complete questions and retries failed ones."})
public final class TeacherCommand implements Callable<Integer> {
    /** Environment lookup; tests replace it. */
    static UnaryOperator<String> environment = System::getenv;
    private static final Duration MAX_DELAY = Duration.ofMinutes(2);

    @Spec
    CommandSpec spec;

    @Option(names = "--endpoint", required = true, description = "server URL, e.g. https://api.openai.com or http://localhost:8000/v1")
    String endpoint;

    @Option(names = "--model", required = true, description = "model name sent to the server")
    String model;

    @Option(names = "--questions", required = true, description = "labelled questions (any supported form)")
    Path questions;

    @Option(names = "--out", required = true, description = "rationale JSONL, appended to and resumed")
    Path out;

    @Option(names = "--samples", defaultValue = "10", description = "rationales per question (default ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--few-shot", description = "exemplars: question JSONL with a 'rationale' field (default: bundled, per task)")
    Path fewShot;

    @Option(names = "--task", defaultValue = "auto", description = "exemplar set when no --few-shot: auto, medical, yesno, science")
    String task;

    @Option(names = "--temperature", defaultValue = "0.7", description = "sampling temperature (default ${DEFAULT-VALUE})")
    double temperature;

    @Option(names = "--max-tokens", defaultValue = "0", description = "max_tokens per completion; 0 = server default")
    int maxTokens;

    @Option(names = "--concurrency", defaultValue = "4", description = "questions in flight (default ${DEFAULT-VALUE})")
    int concurrency;

    @Option(names = "--api-key-env", defaultValue = "OPENAI_API_KEY",
            description = "environment variable holding the API key (default ${DEFAULT-VALUE}); unset = no key")
    String apiKeyEnv;

    @Option(names = "--timeout", defaultValue = "120", description = "seconds per request (default ${DEFAULT-VALUE})")
    double timeoutSeconds;

    @Option(names = "--retries", defaultValue = "6", description = "retries per request (default ${DEFAULT-VALUE})")
    int retries;

    @Option(names = "--retry-base-delay", defaultValue = "1000",
            description = "first backoff delay in ms, doubled per retry with jitter (default ${DEFAULT-VALUE})")
    long retryBaseMs;

    @Option(names = "--max-consecutive-failures", defaultValue = "20",
            description = "stop after this many questions in a row failed; 0 = never (default ${DEFAULT-VALUE})")
    int maxConsecutiveFailures;

    @Option(names = "--progress-every", defaultValue = "5", description = "seconds between progress lines")
    double progressEvery;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter outWriter = spec.commandLine().getOut();
        String key = environment.apply(apiKeyEnv);
        if (key == null || key.isBlank()) {
            err.println("kard teacher: environment variable " + apiKeyEnv + " is not set; sending no API key");
        }
        if (timeoutSeconds <= 0 || retryBaseMs < 0) {
            throw new InvalidSettingException("--timeout " + timeoutSeconds + " must be > 0 and --retry-base-delay "
                    + retryBaseMs + " >= 0");
        }
        Duration base = Duration.ofMillis(retryBaseMs);
        TeacherConfig config = TeacherConfig.builder(endpoint, model).samples(samples).temperature(temperature)
                .maxTokens(maxTokens).concurrency(concurrency).timeout(Duration.ofMillis((long) (timeoutSeconds * 1000)))
                .maxRetries(retries).retryDelays(base, base.compareTo(MAX_DELAY) > 0 ? base : MAX_DELAY)
                .apiKey(key).maxConsecutiveFailures(maxConsecutiveFailures).build();
        List<Question> qs = QuestionReader.read(questions);
        PromptBuilder prompts = fewShot != null ? new PromptBuilder(PromptBuilder.readExemplars(fewShot))
                : PromptBuilder.forTask(taskType(qs));
        long everyNanos = (long) (progressEvery * 1e9);
        long[] last = {0};
        TeacherSummary summary;
        try {
            summary = new TeacherRun(config, prompts).run(qs, out, p -> {
                synchronized (last) {
                    long now = System.nanoTime();
                    if (now - last[0] >= everyNanos || p.finished() == p.toDo()) {
                        last[0] = now;
                        err.println(p);
                        err.flush();
                    }
                }
            });
        } catch (TeacherAuthException e) {
            throw new InvalidInputException(e.getMessage() + " (key from $" + apiKeyEnv + ")");
        }
        outWriter.println("teacher " + summary);
        summary.reasons().forEach((reason, count) -> outWriter.println("  " + reason + " " + count));
        outWriter.println("wrote " + out);
        if (summary.failed() > 0) {
            err.println("kard teacher: " + summary.failed() + " questions failed (error lines in " + out
                    + "); run the same command again to retry them");
            return KardCli.INTERNAL_ERROR;
        }
        return KardCli.OK;
    }

    private PromptBuilder.TaskType taskType(List<Question> qs) {
        return switch (task.toLowerCase()) {
            case "auto" -> PromptBuilder.TaskType.detect(qs);
            case "medical" -> PromptBuilder.TaskType.MEDICAL;
            case "yesno", "yes-no" -> PromptBuilder.TaskType.YES_NO;
            case "science" -> PromptBuilder.TaskType.SCIENCE;
            default -> throw new InvalidSettingException("--task '" + task + "' is not auto, medical, yesno or science");
        };
    }
}
