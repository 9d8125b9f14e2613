package ai.kard.core.internal.model.bert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.kard.core.checkpoint.CheckpointException;
import ai.kard.core.internal.checkpoint.HfConfig;
import ai.kard.core.internal.checkpoint.SafetensorsStore;
import ai.kard.core.internal.checkpoint.SafetensorsWriter;
import ai.kard.core.model.ModelOptions;
import ai.kard.core.internal.model.common.NoGrad;
import ai.kard.core.internal.train.AdamW;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BertEncoderTest {
    static final BertConfig SMALL = new BertConfig(120, 32, 2, 4, 48, 40, 2, 1e-12, "gelu", 0, 0.02);
    static final List<int[]> BATCH = List.of(new int[] {2, 17, 45, 99, 3}, new int[] {2, 5, 3}, new int[] {2, 119, 1, 8, 60, 61, 3});

    @TempDir
    Path temp;

    private static float[] states(BertEncoder encoder) {
        try (NDManager manager = encoder.manager().newSubManager()) {
            return encoder.forward(manager, BATCH).get(0).toFloatArray();
        }
    }

    @Test
    void saveAndLoadGiveIdenticalStates() throws IOException {
        try (BertEncoder created = BertEncoder.create(SMALL, 11, ModelOptions.cpu())) {
            created.save(temp);
            assertThat(HfConfig.read(temp).modelType()).isEqualTo("bert");
            assertThat(SafetensorsStore.open(temp).names()).contains("embeddings.word_embeddings.weight",
                    "encoder.layer.1.output.LayerNorm.bias", "pooler.dense.weight");
            try (BertEncoder loaded = BertEncoder.load(temp, ModelOptions.cpu())) {
                assertThat(loaded.config()).isEqualTo(SMALL);
                assertThat(states(loaded)).containsExactly(states(created));
            }
        }
    }

    @Test
    void loadsTaskCheckpointsWithBertPrefixAndNoPooler() throws IOException {
        try (BertEncoder created = BertEncoder.create(SMALL, 5, ModelOptions.cpu())) {
            Map<String, NDArray> prefixed = new LinkedHashMap<>();
            created.parameters().forEach((name, p) -> prefixed.put("bert." + name, p.getArray()));
            SafetensorsWriter.write(temp.resolve("model.safetensors"), prefixed);
            SMALL.toHf().write(temp);
            try (BertEncoder loaded = BertEncoder.load(temp, ModelOptions.cpu())) {
                assertThat(states(loaded)).containsExactly(states(created));
            }
            prefixed.remove("bert.encoder.layer.1.output.dense.weight");
            SafetensorsWriter.write(temp.resolve("model.safetensors"), prefixed);
            assertThatThrownBy(() -> BertEncoder.load(temp, ModelOptions.cpu()))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("encoder.layer.1.output.dense.weight");
        }
    }

    /**
     * Inference projects query, key and value with one fused matrix whose row blocks are the three parameters: an
     * in-place update of a parameter (what the optimizer does) and a restored checkpoint (AdamW.copyInto) must both
     * reach it, so the fused path always agrees with the step-by-step one that training takes.
     */
    @Test
    void inferenceSeesInPlaceParameterUpdatesAndRestoredValues() {
        try (BertEncoder encoder = BertEncoder.create(SMALL, 7, ModelOptions.cpu());
                NDManager manager = NDManager.newBaseManager()) {
            float[] before = inferenceStates(encoder);
            NDArray query = encoder.parameters().get("encoder.layer.1.attention.self.query.weight").getArray();
            NDArray value = encoder.parameters().get("encoder.layer.0.attention.self.value.bias").getArray();
            try (NoGrad ignored = new NoGrad()) {
                query.addi(manager.randomNormal(query.getShape()).mul(0.1f));
            }
            float[] updated = inferenceStates(encoder);
            assertThat(updated).isNotEqualTo(before);
            assertThat(updated).containsExactly(stepByStepStates(encoder), within(1e-5f));
            NDArray restored = manager.randomNormal(value.getShape());
            AdamW.copyInto(restored, value, "value bias");
            assertThat(value.toFloatArray()).containsExactly(restored.toFloatArray());
            float[] afterRestore = inferenceStates(encoder);
            assertThat(afterRestore).isNotEqualTo(updated);
            assertThat(afterRestore).containsExactly(stepByStepStates(encoder), within(1e-5f));
        }
    }

    /** Inference calls on several threads at once (the fused path shares only the read-only weights). */
    @Test
    void concurrentInferenceGivesTheSequentialStates() throws Exception {
        try (BertEncoder encoder = BertEncoder.create(SMALL, 9, ModelOptions.cpu())) {
            float[] sequential = inferenceStates(encoder);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                List<java.util.concurrent.Future<float[]>> futures = new java.util.ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    futures.add(pool.submit(() -> inferenceStates(encoder)));
                }
                for (java.util.concurrent.Future<float[]> future : futures) {
                    assertThat(future.get()).containsExactly(sequential);
                }
            } finally {
                pool.shutdown();
            }
        }
    }

    /** States from the fused inference path (autograd off, no dropout). */
    private static float[] inferenceStates(BertEncoder encoder) {
        try (NoGrad ignored = new NoGrad()) {
            return states(encoder);
        }
    }

    /** States from the step-by-step path training takes (autograd on). */
    private static float[] stepByStepStates(BertEncoder encoder) {
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try {
            return states(encoder);
        } finally {
            JniUtils.setGradMode(previous);
        }
    }

    @Test
    void randomInitIsDeterministicBySeed() {
        try (BertEncoder a = BertEncoder.create(SMALL, 42, ModelOptions.cpu());
                BertEncoder b = BertEncoder.create(SMALL, 42, ModelOptions.cpu());
                BertEncoder c = BertEncoder.create(SMALL, 43, ModelOptions.cpu())) {
            assertThat(states(a)).containsExactly(states(b));
            assertThat(states(a)).isNotEqualTo(states(c));
            float[] embeddings = a.parameters().get("embeddings.word_embeddings.weight").getArray().toFloatArray();
            for (int i = 0; i < SMALL.hiddenSize(); i++) {
                assertThat(embeddings[i]).as("padding row").isZero();
            }
        }
    }

    @Test
    void paddingDoesNotChangeRealTokenStates() {
        try (BertEncoder encoder = BertEncoder.create(SMALL, 3, ModelOptions.cpu());
                NDManager manager = encoder.manager().newSubManager()) {
            NDArray batched = encoder.forward(manager, BATCH).get(0);
            NDArray alone = encoder.forward(manager, List.of(BATCH.get(1))).get(0);
            float[] expected = alone.toFloatArray();
            float[] actual = batched.get("1, :3, :").toFloatArray();
            for (int i = 0; i < expected.length; i++) {
                assertThat(actual[i]).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-5f));
            }
        }
    }

    @Test
    void repeatedForwardPassesDoNotGrowLiveArrays() {
        try (BertEncoder encoder = BertEncoder.create(SMALL, 1, ModelOptions.cpu());
                NDManager manager = encoder.manager().newSubManager()) {
            int before = encoder.manager().getManagedArrays().size();
            for (int i = 0; i < 300; i++) {
                NDList out = encoder.forward(manager, BATCH);
                out.close();
            }
            assertThat(encoder.manager().getManagedArrays()).hasSize(before);
        }
    }

    @Test
    void configValidationAndPresets() throws IOException {
        assertThatThrownBy(() -> new BertConfig(100, 30, 2, 4, 48, 40, 2, 1e-12, "gelu", 0, 0.02))
                .hasMessageContaining("not divisible by 4");
        assertThatThrownBy(() -> BertConfig.from(SMALL.toHf().with("hidden_act", "swish")))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("swish");
        assertThat(BertConfig.from(HfConfig.of("model_type", "bert")).hiddenSize()).isEqualTo(768);
        BertConfig tiny = BertPresets.require("scratch:bert-tiny");
        assertThat(tiny.vocabSize()).isEqualTo(30522);
        assertThat(tiny.maxPositionEmbeddings()).isEqualTo(512);
        assertThatThrownBy(() -> BertPresets.require("scratch:nope")).hasMessageContaining("scratch:bert-tiny");
        assertThat(Files.exists(temp)).isTrue();
    }
}
