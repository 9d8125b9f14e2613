package ai.kard.onnx.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.kard.core.internal.model.bert.BertConfig;
import ai.kard.core.internal.model.bert.BertEncoder;
import ai.kard.core.internal.model.bert.BertTokenizers;
import ai.kard.core.internal.tokenizer.TextTokenizer;
import ai.kard.core.model.ModelOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** The ONNX graph of a {@link BertEncoder} computes what the encoder computes, within 1e-4, padding included. */
class OnnxEncoderTest {
    private static final Path MINILM = Path.of(System.getProperty("kard.repo.root", ".."))
            .resolve("../shared/models/all-minilm-l6-v2").normalize();
    private static final double TOLERANCE = 1e-4;

    @ParameterizedTest
    @CsvSource({"gelu, ONNX_RUNTIME", "gelu_new, ONNX_RUNTIME", "relu, ONNX_RUNTIME", "gelu, STANDARD",
        "gelu_new, STANDARD", "relu, STANDARD"})
    void matchesTheEncoderOnRandomWeightsWithPadding(String activation, BertOnnxExport.Form form) throws Exception {
        BertConfig config = new BertConfig(500, 32, 2, 4, 64, 40, 2, 1e-12, activation, 0, 0.02);
        List<int[]> sequences = List.of(new int[] {101, 7, 8, 9, 102}, new int[] {101, 3, 4, 5, 6, 11, 12, 13, 102},
                new int[] {101, 102});
        try (BertEncoder encoder = BertEncoder.create(config, 7, ModelOptions.cpu())) {
            perturb(encoder, 11); // HF's initial biases are 0 and LayerNorms 1: they would hide a wrong one
            try (OnnxEncoder onnx = OnnxEncoder.of(encoder, 1, form)) {
                assertThat(maxDifference(encoder, onnx, sequences)).isLessThanOrEqualTo(TOLERANCE);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(BertOnnxExport.Form.class)
    void matchesTheEncoderOnAllMiniLmAndServesConcurrentCalls(BertOnnxExport.Form form) throws Exception {
        assumeTrue(Files.isRegularFile(MINILM.resolve("model.safetensors")), "no MiniLM folder at " + MINILM);
        List<int[]> sequences = new ArrayList<>();
        try (TextTokenizer tokenizer = BertTokenizers.load(MINILM)) {
            for (String sentence : Files.readAllLines(MINILM.resolve("sentences.txt"))) {
                if (!sentence.isBlank()) {
                    sequences.add(tokenizer.encodeWithSpecialTokens(sentence));
                }
            }
        }
        try (BertEncoder encoder = BertEncoder.load(MINILM, ModelOptions.cpu());
                OnnxEncoder onnx = OnnxEncoder.of(encoder, 1, form)) {
            assertThat(maxDifference(encoder, onnx, sequences)).isLessThanOrEqualTo(TOLERANCE);
            float[] alone = onnx.hiddenStates(ids(sequences.get(0)), ones(sequences.get(0).length), 1,
                    sequences.get(0).length);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<float[]>> results = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    results.add(pool.submit(() -> onnx.hiddenStates(ids(sequences.get(0)),
                            ones(sequences.get(0).length), 1, sequences.get(0).length)));
                }
                for (Future<float[]> result : results) {
                    assertThat(result.get()).containsExactly(alone);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static double maxDifference(BertEncoder encoder, OnnxEncoder onnx, List<int[]> sequences) {
        Engine.getInstance();
        try (NDManager scope = encoder.manager().newSubManager()) {
            NDList expected = encoder.forward(scope, sequences);
            NDList actual = onnx.forward(scope, sequences);
            assertThat(actual.get(0).getShape()).isEqualTo(expected.get(0).getShape());
            assertThat(actual.get(1).toLongArray()).containsExactly(expected.get(1).toLongArray());
            float[] e = expected.get(0).toFloatArray();
            float[] a = actual.get(0).toFloatArray();
            long[] mask = expected.get(1).toLongArray();
            int hidden = encoder.config().hiddenSize();
            double max = 0;
            for (int position = 0; position < mask.length; position++) {
                if (mask[position] == 0) {
                    continue; // padded rows are not part of the contract
                }
                for (int k = 0; k < hidden; k++) {
                    max = Math.max(max, Math.abs(e[position * hidden + k] - a[position * hidden + k]));
                }
            }
            return max;
        }
    }

    private static void perturb(BertEncoder encoder, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        for (Parameter parameter : encoder.parameters().values()) {
            NDArray array = parameter.getArray();
            Shape shape = array.getShape();
            float[] noise = new float[Math.toIntExact(shape.size())];
            for (int i = 0; i < noise.length; i++) {
                noise[i] = (float) (random.nextGaussian() * 0.05);
            }
            try (NDArray delta = array.getManager().create(noise, shape)) {
                array.addi(delta);
            }
        }
    }

    private static long[] ids(int[] sequence) {
        return java.util.Arrays.stream(sequence).asLongStream().toArray();
    }

    private static long[] ones(int length) {
        long[] ones = new long[length];
        java.util.Arrays.fill(ones, 1);
        return ones;
    }
}
