package ai.kard.examples.cli;

import static ai.kard.examples.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import ai.kard.examples.cli.CliRun.Result;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kard distill and kard eval end to end on a tiny demo benchmark (one epoch: it checks plumbing, not learning). */
class DistillEvalCommandsTest {
    @TempDir
    static Path dir;
    static Path data;
    static Path index;

    @BeforeAll
    static void benchmark() {
        data = dir.resolve("data");
        index = dir.resolve("index");
        CliRun.tinyBenchmark(data, 16);
        CliRun.index(data, index);
    }

    @Test
    void distillThenEvalWritesAModelFolderAndPredictions() throws Exception {
        Path model = dir.resolve("kard-model");
        Result distill = run("distill", "--student", "scratch:t5-tiny", "--questions",
                data.resolve("train.jsonl").toString(), "--rationales", data.resolve("rationales-train.jsonl").toString(),
                "--index", index.toString(), "--out", model.toString(), "--epochs", "1", "--batch-size", "8");
        assertThat(distill.code()).as(distill.err()).isZero();
        assertThat(model.resolve("config.json")).exists();
        assertThat(model.resolve("model.safetensors")).exists();
        assertThat(model.resolve("tokenizer.json")).exists();
        JsonNode kard = new ObjectMapper().readTree(model.resolve("kard.json").toFile());
        assertThat(kard.get("mode").asText()).isEqualTo("kard");
        assertThat(kard.get("passages").asInt()).isEqualTo(1);
        assertThat(kard.at("/provenance/data/examples").asInt()).isEqualTo(16);
        assertThat(kard.at("/provenance/hyperparameters/epochs").asInt()).isEqualTo(1);
        assertThat(kard.at("/provenance/metrics/train_tokens_per_second").asDouble()).isPositive();
        // No validation set: no validation loss anywhere, rather than NaN.
        assertThat(kard.at("/provenance/metrics/epochs/0/trainLoss").isNumber()).isTrue();
        assertThat(kard.at("/provenance/metrics/epochs/0").has("validationLoss")).isFalse();
        assertThat(distill.out() + distill.err()).doesNotContain("NaN");

        Path predictions = dir.resolve("predictions.jsonl");
        // The contract line is machine-read: a German default locale must not turn 0.7500 into 0,7500.
        java.util.Locale before = java.util.Locale.getDefault();
        Result eval;
        try {
            java.util.Locale.setDefault(java.util.Locale.GERMANY);
            eval = run("eval", "--model", model.toString(), "--questions", data.resolve("test.jsonl").toString(),
                    "--index", index.toString(), "--out", predictions.toString(), "--max-new-tokens", "8");
        } finally {
            java.util.Locale.setDefault(before);
        }
        assertThat(eval.code()).as(eval.err()).isZero();
        List<String> lines = eval.out().strip().lines().toList();
        assertThat(lines.get(lines.size() - 1)).matches("accuracy=[01]\\.\\d{4} n=4 no_answer=[0-4]");
        assertThat(Files.readAllLines(predictions)).hasSize(4)
                .allSatisfy(line -> assertThat(line).containsPattern("\"passages\":\\[\"ent-\\d{4}\"]"));

        Result oracle = run("eval", "--model", model.toString(), "--questions", data.resolve("test.jsonl").toString(),
                "--index", index.toString(), "--oracle-rationales", data.resolve("rationales-test.jsonl").toString(),
                "--max-new-tokens", "8");
        assertThat(oracle.code()).as(oracle.err()).isZero();
        assertThat(oracle.out().strip()).containsPattern("accuracy=[01]\\.\\d{4} n=4 no_answer=[0-4]$");

        Result noIndex = run("eval", "--model", model.toString(), "--questions", data.resolve("test.jsonl").toString());
        assertThat(noIndex.code()).isEqualTo(KardCli.BAD_INPUT);
        assertThat(noIndex.err()).contains("knowledge base");
    }

    @Test
    void badInputExitsTwoWithOneLineAndWritesNothing() throws Exception {
        Path out = dir.resolve("never");
        String questions = data.resolve("train.jsonl").toString();
        String rationales = data.resolve("rationales-train.jsonl").toString();

        Result unknown = run("distill", "--student", "scratch:t5-gigantic", "--questions", questions,
                "--rationales", rationales, "--out", out.toString());
        assertThat(unknown.code()).isEqualTo(KardCli.BAD_INPUT);
        assertThat(unknown.err().strip()).contains("scratch:t5-gigantic").doesNotContain("\n");

        Path foreign = dir.resolve("foreign.jsonl");
        Files.writeString(foreign, "{\"id\":\"nobody\",\"rationale\":\"Answer: A\"}\n");
        Result mismatch = run("distill", "--student", "scratch:t5-tiny", "--questions", questions,
                "--rationales", foreign.toString(), "--out", out.toString());
        assertThat(mismatch.code()).isEqualTo(KardCli.BAD_INPUT);
        assertThat(mismatch.err().strip()).contains("\"nobody\"").doesNotContain("\n");

        Path noOptions = dir.resolve("no-options.jsonl");
        Files.writeString(noOptions, "{\"id\":\"q1\",\"question\":\"Why?\",\"options\":[],\"answer\":0}\n");
        Result optionless = run("distill", "--student", "scratch:t5-tiny", "--questions", noOptions.toString(),
                "--rationales", rationales, "--out", out.toString());
        assertThat(optionless.code()).isEqualTo(KardCli.BAD_INPUT);
        assertThat(optionless.err().strip()).contains("no-options.jsonl").doesNotContain("\n");

        Result notAnIndex = run("distill", "--student", "scratch:t5-tiny", "--questions", questions,
                "--rationales", rationales, "--index", data.toString(), "--out", out.toString());
        assertThat(notAnIndex.code()).isEqualTo(KardCli.BAD_INPUT);

        Result notAModel = run("eval", "--model", data.toString(), "--questions", questions);
        assertThat(notAModel.code()).isEqualTo(KardCli.BAD_INPUT);
        assertThat(notAModel.err()).contains("kard.json");

        assertThat(out).doesNotExist();
        assertThat(dir.resolve("never-checkpoints")).doesNotExist();
    }
}
