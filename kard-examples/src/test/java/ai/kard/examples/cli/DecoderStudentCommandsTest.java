package ai.kard.examples.cli;

import static ai.kard.examples.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import ai.kard.examples.cli.CliRun.Result;
import ai.kard.core.internal.checkpoint.HfConfig;
import ai.kard.core.model.ModelOptions;
import ai.kard.core.internal.model.llama.LlamaArchitecture;
import ai.kard.core.internal.model.llama.LlamaModel;
import ai.kard.core.internal.tokenizer.TextTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decoder-only students through {@code kard distill} and {@code kard eval}: a tiny Llama HF folder (KARD) and the
 * {@code scratch:llama-tiny} preset (RD), a few steps each: plumbing, not learning.
 */
class DecoderStudentCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static Path data;
    static Path index;
    static Path tinyLlama;

    @BeforeAll
    static void benchmark() throws Exception {
        data = dir.resolve("data");
        index = dir.resolve("index");
        CliRun.tinyBenchmark(data, 12);
        CliRun.index(data, index);
        tinyLlama = dir.resolve("tiny-llama");
        HfConfig config = HfConfig.of("architectures", List.of("LlamaForCausalLM"), "model_type", "llama",
                "vocab_size", 30522, "hidden_size", 64, "intermediate_size", 128, "num_hidden_layers", 2,
                "num_attention_heads", 4, "num_key_value_heads", 2, "tie_word_embeddings", true,
                "bos_token_id", 101, "eos_token_id", 102, "pad_token_id", 0);
        try (LlamaModel model = new LlamaArchitecture().create(config, 3, ModelOptions.cpu());
             TextTokenizer tokenizer = TextTokenizer.bundledWordPiece()) {
            model.save(tinyLlama);
            tokenizer.save(tinyLlama);
        }
    }

    @Test
    void tinyLlamaFolderDistilsWithAnIndexAndEvaluates() throws Exception {
        Path model = dir.resolve("kard-llama");
        Result distill = run("distill", "--student", tinyLlama.toString(), "--questions",
                data.resolve("train.jsonl").toString(), "--rationales", data.resolve("rationales-train.jsonl").toString(),
                "--index", index.toString(), "--out", model.toString(), "--epochs", "2", "--batch-size", "4",
                "--lr", "3e-3");
        assertThat(distill.code()).as(distill.err()).isZero();
        assertThat(model.resolve("model.safetensors")).exists();
        assertThat(model.resolve("tokenizer.json")).exists();
        assertThat(JSON.readTree(model.resolve("config.json").toFile()).get("model_type").asText())
                .isEqualTo("llama");
        JsonNode kard = JSON.readTree(model.resolve("kard.json").toFile());
        assertThat(kard.get("mode").asText()).isEqualTo("kard");
        assertThat(kard.at("/provenance/data/examples").asInt()).isEqualTo(12);
        assertThat(kard.at("/provenance/hyperparameters/epochs").asInt()).isEqualTo(2);
        assertThat(kard.at("/provenance/metrics/epochs")).hasSize(2);

        Path predictions = dir.resolve("predictions.jsonl");
        Result eval = run("eval", "--model", model.toString(), "--questions", data.resolve("test.jsonl").toString(),
                "--index", index.toString(), "--out", predictions.toString(), "--max-new-tokens", "12");
        assertThat(eval.code()).as(eval.err()).isZero();
        List<String> lines = eval.out().strip().lines().toList();
        assertThat(lines.get(lines.size() - 1)).matches("accuracy=[01]\\.\\d{4} n=4 no_answer=[0-4]");
        assertThat(Files.readAllLines(predictions)).hasSize(4)
                .allSatisfy(line -> assertThat(line).containsPattern("\"passages\":\\[\"ent-\\d{4}\"]"));
    }

    @Test
    void llamaTinyPresetDistilsAsRdWithItsOwnDefaults() throws Exception {
        Path model = dir.resolve("rd-llama-tiny");
        Result distill = run("distill", "--student", "scratch:llama-tiny", "--questions",
                data.resolve("train.jsonl").toString(), "--rationales", data.resolve("rationales-train.jsonl").toString(),
                "--out", model.toString(), "--epochs", "1");
        assertThat(distill.code()).as(distill.err()).isZero();
        JsonNode kard = JSON.readTree(model.resolve("kard.json").toFile());
        assertThat(kard.get("mode").asText()).isEqualTo("rd");
        assertThat(kard.at("/provenance/student").asText()).isEqualTo("scratch:llama-tiny");
        assertThat(kard.at("/provenance/hyperparameters/rename_probability").asDouble()).isPositive();
        JsonNode config = JSON.readTree(model.resolve("config.json").toFile());
        assertThat(config.get("model_type").asText()).isEqualTo("llama");
        assertThat(config.get("bos_token_id").asInt()).isEqualTo(101);

        Result eval = run("eval", "--model", model.toString(), "--questions", data.resolve("test.jsonl").toString(),
                "--max-new-tokens", "8");
        assertThat(eval.code()).as(eval.err()).isZero();
        assertThat(eval.out().strip()).containsPattern("accuracy=[01]\\.\\d{4} n=4 no_answer=[0-4]$");
    }
}
