package ai.kard.examples.cli;

import static ai.kard.examples.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import ai.kard.examples.cli.CliRun.Result;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --dropout P} of kard distill and kard demo: validated, applied to training, recorded in kard.json. */
class DropoutFlagTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path data;

    @BeforeAll
    static void benchmark() {
        data = dir.resolve("data");
        CliRun.tinyBenchmark(data, 16);
    }

    /** One epoch of RD on scratch:t5-tiny; returns kard.json. */
    private static JsonNode distill(String name, String... extra) throws Exception {
        Path model = dir.resolve(name);
        String[] base = {"distill", "--student", "scratch:t5-tiny", "--questions",
                data.resolve("train.jsonl").toString(), "--rationales", data.resolve("rationales-train.jsonl").toString(),
                "--out", model.toString(), "--epochs", "1", "--batch-size", "8"};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        Result r = run(args);
        assertThat(r.code()).as(r.err()).isZero();
        return JSON.readTree(model.resolve("kard.json").toFile());
    }

    @Test
    void dropoutOverrideChangesTrainingAndIsRecorded() throws Exception {
        JsonNode asConfigured = distill("default");
        JsonNode on = distill("on", "--dropout", "0.2");
        JsonNode onAgain = distill("on-again", "--dropout", "0.2");
        assertThat(asConfigured.at("/provenance/hyperparameters/dropout").isMissingNode()).isTrue();
        assertThat(on.at("/provenance/hyperparameters/dropout").asDouble()).isEqualTo(0.2);
        double lossAsConfigured = asConfigured.at("/provenance/metrics/epochs/0/trainLoss").asDouble();
        double lossOn = on.at("/provenance/metrics/epochs/0/trainLoss").asDouble();
        assertThat(lossOn).isPositive().isNotEqualTo(lossAsConfigured);
        assertThat(onAgain.at("/provenance/metrics/epochs/0/trainLoss").asDouble()).isEqualTo(lossOn);
        // The override is a setting of the run: the saved config keeps the preset's dropout_rate (0: see T5Presets).
        assertThat(JSON.readTree(dir.resolve("on/config.json").toFile()).get("dropout_rate").asDouble())
                .isZero();
    }

    @Test
    void badDropoutExitsTwoNamingTheFlag() throws Exception {
        Result distill = run("distill", "--student", "scratch:t5-tiny", "--questions",
                data.resolve("train.jsonl").toString(), "--rationales", data.resolve("rationales-train.jsonl").toString(),
                "--out", dir.resolve("bad").toString(), "--dropout", "1.5");
        assertThat(distill.code()).isEqualTo(KardCli.BAD_INPUT);
        assertThat(distill.err()).contains("--dropout", "1.5");
        Path demo = dir.resolve("demo");
        Result demoRun = run("demo", "--out", demo.toString(), "--dropout", "-0.1");
        assertThat(demoRun.code()).isEqualTo(KardCli.BAD_INPUT);
        assertThat(demoRun.err()).contains("--dropout", "-0.1");
        assertThat(demo.resolve("data")).doesNotExist();
        assertThat(Files.exists(dir.resolve("bad/model.safetensors"))).isFalse();
    }
}
