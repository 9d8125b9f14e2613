package ai.kard.examples.cli;

import static ai.kard.examples.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import ai.kard.api.InvalidInputException;
import ai.kard.core.hub.HubSettings;
import ai.kard.core.hub.ModelReference;
import ai.kard.examples.cli.CliRun.Result;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each kind of bad input through the command line: exit code 2 and exactly one line on stderr naming the file,
 * line or value, and nothing written. Settings fail before any retrieval or model loading (the output folder and
 * the candidate cache never appear).
 */
class BadInputTest {
    @TempDir
    static Path dir;
    static Path data;
    static Path index;
    static String questions;
    static String rationales;

    @BeforeAll
    static void benchmark() {
        data = dir.resolve("data");
        index = dir.resolve("index");
        CliRun.tinyBenchmark(data, 8);
        CliRun.index(data, index);
        questions = data.resolve("train.jsonl").toString();
        rationales = data.resolve("rationales-train.jsonl").toString();
    }

    private static void assertOneLine(Result r, String... fragments) {
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(KardCli.BAD_INPUT);
        assertThat(r.err().strip()).doesNotContain("\n").doesNotContain("\tat ").contains(fragments);
    }

    private static Result distill(String student, String... extra) {
        String[] base = {"distill", "--student", student, "--questions", questions, "--rationales", rationales,
            "--index", index.toString(), "--out", dir.resolve("never").toString()};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return run(args);
    }

    @Test
    void recipeSettingsFailBeforeRetrievalAndLoading() {
        assertOneLine(distill("scratch:t5-tiny", "--epochs", "0"), "epochs must be positive, got 0");
        assertOneLine(distill("scratch:t5-tiny", "--lr", "-1"), "learning rate", "-1.0");
        assertOneLine(distill("scratch:t5-tiny", "--batch-size", "0"), "batch size must be positive, got 0");
        Result reranker = run("train-reranker", "--index", index.toString(), "--questions", questions,
                "--rationales", rationales, "--encoder", "scratch:bert-tiny", "--out", dir.resolve("never").toString(),
                "--epochs", "-1");
        assertOneLine(reranker, "epochs must be positive, got -1");
        assertThat(dir.resolve("never")).doesNotExist();
        assertThat(index.resolve("kard-candidates")).doesNotExist(); // no candidates were mined
    }

    @Test
    void gpuWithoutCudaIsBadInput() {
        assumeTrue(Engine.getEngine("PyTorch").getGpuCount() == 0, "a GPU is visible");
        assertOneLine(distill("scratch:t5-tiny", "--device", "gpu"), "gpu", "not available", "--device cpu");
    }

    @Test
    void unusableModelFoldersAreBadInput() throws Exception {
        Path unsupported = Files.createDirectories(dir.resolve("bloom"));
        Files.writeString(unsupported.resolve("config.json"), "{\"model_type\": \"bloom\"}");
        assertOneLine(distill(unsupported.toString()), "config.json", "model_type \"bloom\" is not supported");

        Path noTokenizer = Files.createDirectories(dir.resolve("no-tokenizer"));
        Files.writeString(noTokenizer.resolve("config.json"), "{\"model_type\": \"t5\"}");
        assertOneLine(distill(noTokenizer.toString()), "tokenizer.json");

        Path corrupt = Files.createDirectories(dir.resolve("corrupt"));
        Result saved = run("distill", "--student", "scratch:t5-tiny", "--questions", questions, "--rationales",
                rationales, "--out", dir.resolve("tiny").toString(), "--epochs", "1", "--batch-size", "8");
        assertThat(saved.code()).as(saved.err()).isZero();
        for (String file : new String[] {"config.json", "tokenizer.json"}) {
            Files.copy(dir.resolve("tiny").resolve(file), corrupt.resolve(file));
        }
        Files.write(corrupt.resolve("model.safetensors"), new byte[] {12, 0, 0, 0, 0, 0, 0, 0, '{', '"', 'a'});
        assertOneLine(distill(corrupt.toString()), "model.safetensors", "not a safetensors file");
        assertThat(dir.resolve("never")).doesNotExist();
    }

    @Test
    void malformedJsonLineNamesFileAndLineWithoutJacksonLocation() throws Exception {
        Path broken = dir.resolve("broken.jsonl");
        String first = Files.readAllLines(Path.of(questions)).get(0);
        Files.writeString(broken, first + "\n{\"id\": \"q2\", \"question\": {\"stem\": 1\n");
        Result r = run("distill", "--student", "scratch:t5-tiny", "--questions", broken.toString(), "--rationales",
                rationales, "--out", dir.resolve("never").toString());
        assertOneLine(r, "broken.jsonl:2: malformed JSON");
        assertThat(r.err()).doesNotContain("Source:").doesNotContain("REDACTED").doesNotContain("line: ");
    }

    @Test
    void unreachableHubIsBadInputAndOtherIllegalArgumentsAreInternal() {
        HubSettings offlineEndpoint = new HubSettings(dir.resolve("hf-cache"), "http://127.0.0.1:9", null, false);
        Throwable error = Assertions.catchThrowable(
                () -> new ModelReference(offlineEndpoint).resolve("google/flan-t5-small"));
        assertThat(error).isInstanceOf(InvalidInputException.class);
        assertThat(KardCli.badInput(error)).contains("google/flan-t5-small", "cannot reach", "HF_HUB_OFFLINE=1")
                .doesNotContain("\n");
        // Wrapped bad input is still bad input; a bare IllegalArgumentException is a programming error (exit 1).
        assertThat(KardCli.badInput(new UncheckedIOException((InvalidInputException) error))).isNotNull();
        assertThat(KardCli.badInput(new IllegalArgumentException("index out of range"))).isNull();
    }
}
