package ai.kard.core.internal.model.bert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.kard.core.model.ModelOptions;
import ai.kard.core.internal.model.common.Pooling;
import ai.kard.core.internal.tokenizer.TextTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Real-weights parity: sentence-transformers/all-MiniLM-L6-v2 ({@code ../shared/models/all-minilm-l6-v2}) against
 * ONNX Runtime's outputs for the same five sentences ({@code expected-onnxruntime.json}). Skipped when the folder
 * is absent.
 */
class MiniLmParityTest {
    static final Path MODEL = Path.of(System.getProperty("kard.repo.root", ".")).resolve("../shared/models/all-minilm-l6-v2")
            .normalize();
    private static final double STATE_TOLERANCE = 1e-4;
    private static final double EMBEDDING_TOLERANCE = 1e-5;

    @Test
    void tokenizerAndEncoderReproduceOnnxRuntime() throws IOException {
        assumeTrue(Files.isRegularFile(MODEL.resolve("expected-onnxruntime.json")), "no MiniLM folder at " + MODEL);
        JsonNode expected = new ObjectMapper().readTree(MODEL.resolve("expected-onnxruntime.json").toFile());
        List<String> sentences = Files.readAllLines(MODEL.resolve("sentences.txt")).stream()
                .filter(s -> !s.isBlank()).toList();
        int batch = sentences.size();
        int length = expected.get("input_ids").get(0).size();
        int hidden = expected.get("last_hidden_state").get(0).get(0).size();
        assertThat(expected.get("input_ids")).hasSize(batch);

        long[] ids = new long[batch * length];
        long[] mask = new long[batch * length];
        try (TextTokenizer tokenizer = BertTokenizers.load(MODEL)) {
            for (int b = 0; b < batch; b++) {
                int[] tokens = tokenizer.encodeWithSpecialTokens(sentences.get(b));
                int tokenCount = 0;
                for (int t = 0; t < length; t++) {
                    ids[b * length + t] = expected.get("input_ids").get(b).get(t).asLong();
                    mask[b * length + t] = expected.get("attention_mask").get(b).get(t).asLong();
                    tokenCount += (int) mask[b * length + t];
                }
                long[] expectedTokens = java.util.Arrays.copyOfRange(ids, b * length, b * length + tokenCount);
                assertThat(java.util.Arrays.stream(tokens).asLongStream().toArray())
                        .as("token ids of sentence %d", b).containsExactly(expectedTokens);
            }
        }

        try (BertEncoder encoder = BertEncoder.load(MODEL, ModelOptions.cpu());
                NDManager scope = encoder.manager().newSubManager()) {
            assertThat(encoder.config().hiddenSize()).isEqualTo(hidden);
            NDArray idArray = scope.create(ids, new Shape(batch, length));
            NDArray maskArray = scope.create(mask, new Shape(batch, length));
            NDArray states = encoder.forward(idArray, scope.zeros(new Shape(batch, length),
                    ai.djl.ndarray.types.DataType.INT64), maskArray);
            float[] actual = states.toFloatArray();
            double worstState = 0;
            int compared = 0;
            for (int b = 0; b < batch; b++) {
                for (int t = 0; t < length; t++) {
                    if (mask[b * length + t] == 0) {
                        continue; // padded rows are not part of the contract
                    }
                    JsonNode row = expected.get("last_hidden_state").get(b).get(t);
                    for (int h = 0; h < hidden; h++) {
                        worstState = Math.max(worstState,
                                Math.abs(actual[(b * length + t) * hidden + h] - row.get(h).asDouble()));
                    }
                    compared++;
                }
            }
            assertThat(compared).isGreaterThan(batch);
            assertThat(worstState).as("max |last_hidden_state - ONNX Runtime| over %d tokens", compared)
                    .isLessThanOrEqualTo(STATE_TOLERANCE);

            float[] embeddings = Pooling.l2Normalize(Pooling.maskedMean(states, maskArray)).toFloatArray();
            for (int b = 0; b < batch; b++) {
                JsonNode row = expected.get("mean_pooled_normalized").get(b);
                double worst = 0;
                double dot = 0;
                double expectedNorm = 0;
                double actualNorm = 0;
                for (int h = 0; h < hidden; h++) {
                    double e = row.get(h).asDouble();
                    double a = embeddings[b * hidden + h];
                    worst = Math.max(worst, Math.abs(a - e));
                    dot += a * e;
                    expectedNorm += e * e;
                    actualNorm += a * a;
                }
                assertThat(worst).as("max |embedding - ONNX Runtime| of sentence %d", b)
                        .isLessThanOrEqualTo(EMBEDDING_TOLERANCE);
                assertThat(dot / Math.sqrt(expectedNorm * actualNorm)).as("cosine of sentence %d", b)
                        .isGreaterThanOrEqualTo(0.99999);
            }
        }
    }
}
