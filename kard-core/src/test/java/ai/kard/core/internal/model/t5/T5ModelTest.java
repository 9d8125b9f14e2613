package ai.kard.core.internal.model.t5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.kard.api.Decoding;
import ai.kard.core.checkpoint.CheckpointException;
import ai.kard.core.internal.checkpoint.SafetensorsStore;
import ai.kard.core.internal.checkpoint.SafetensorsWriter;
import ai.kard.core.internal.model.registry.ArchitectureRegistry;
import ai.kard.core.internal.model.LanguageModel;
import ai.kard.core.model.ModelOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class T5ModelTest {
    private static final List<int[]> PROMPTS = T5TestModels.sequences(3, 9, 50, 7);
    private static final List<int[]> TARGETS = T5TestModels.sequences(3, 6, 50, 8);

    private static T5Model create(String proj, boolean tied, long seed) throws Exception {
        return (T5Model) ArchitectureRegistry.create(T5TestModels.tiny(proj, tied), seed, ModelOptions.cpu());
    }

    private static float loss(LanguageModel model) {
        try (NDManager manager = NDManager.newBaseManager()) {
            return model.loss(manager, PROMPTS, TARGETS).getFloat();
        }
    }

    @Test
    void randomInitIsDeterministicPerSeed() throws Exception {
        try (T5Model a = create("gated-gelu", false, 42); T5Model b = create("gated-gelu", false, 42);
             T5Model c = create("gated-gelu", false, 43)) {
            assertThat(a.block().getParameters().keys()).isEqualTo(b.block().getParameters().keys());
            for (var entry : a.block().getParameters()) {
                NDArray other = b.block().getParameters().get(entry.getKey()).getArray();
                assertThat(entry.getValue().getArray().contentEquals(other)).as(entry.getKey()).isTrue();
            }
            assertThat(c.block().getParameters().get("shared.weight").getArray()
                    .contentEquals(a.block().getParameters().get("shared.weight").getArray())).isFalse();
            // HF's init: q std = (d_model * d_kv)^-0.5, layer norms 1.
            float[] q = a.block().getParameters().get("encoder.block.0.layer.0.SelfAttention.q.weight").getArray()
                    .toFloatArray();
            double variance = 0;
            for (float v : q) {
                variance += v * v;
            }
            assertThat(Math.sqrt(variance / q.length)).isBetween(0.7 / Math.sqrt(24 * 7), 1.3 / Math.sqrt(24 * 7));
            assertThat(a.block().getParameters().get("decoder.final_layer_norm.weight").getArray().toFloatArray())
                    .containsOnly(1f);
        }
    }

    @Test
    void saveThenLoadGivesIdenticalLogits(@TempDir Path dir) throws Exception {
        for (boolean tied : new boolean[] {true, false}) {
            Path folder = dir.resolve(tied ? "tied" : "untied");
            try (T5Model model = create(tied ? "relu" : "gated-silu", tied, 3)) {
                model.save(folder);
                assertThat(SafetensorsStore.open(folder).contains("lm_head.weight")).isEqualTo(!tied);
                assertThat(SafetensorsStore.open(folder).names()).contains("shared.weight",
                        "decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight");
                try (LanguageModel loaded = ArchitectureRegistry.load(folder, ModelOptions.cpu())) {
                    assertThat(loaded).isInstanceOf(T5Model.class);
                    assertThat(loss(loaded)).isEqualTo(loss(model));
                    try (NDManager manager = NDManager.newBaseManager()) {
                        Batch input = Batch.pad(PROMPTS, 0, 0, "prompt");
                        Batch decoder = Batch.pad(TARGETS, 0, 0, "target");
                        NDArray expected = model.logits(input.ids(manager), input.mask(manager),
                                decoder.ids(manager));
                        NDArray actual = ((T5Model) loaded).logits(input.ids(manager), input.mask(manager),
                                decoder.ids(manager));
                        assertThat(actual.contentEquals(expected)).isTrue();
                    }
                }
            }
        }
    }

    @Test
    void missingTensorsAreAllNamed(@TempDir Path dir) throws Exception {
        Path full = dir.resolve("full");
        Path broken = dir.resolve("broken");
        try (T5Model model = create("relu", true, 5)) {
            model.save(full);
        }
        SafetensorsStore store = SafetensorsStore.open(full);
        Files.createDirectories(broken);
        Files.copy(full.resolve("config.json"), broken.resolve("config.json"));
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> kept = new LinkedHashMap<>();
            for (String name : store.names()) {
                if (!name.equals("encoder.final_layer_norm.weight")
                        && !name.equals("decoder.block.2.layer.1.EncDecAttention.k.weight")) {
                    kept.put(name, store.load(name, manager, ai.djl.ndarray.types.DataType.FLOAT32));
                }
            }
            // Duplicated embeddings under the stacks' names are accepted as aliases of shared.weight.
            kept.put("encoder.embed_tokens.weight", kept.get("shared.weight"));
            SafetensorsWriter.write(broken.resolve("model.safetensors"), kept);
        }
        assertThatThrownBy(() -> ArchitectureRegistry.load(broken, ModelOptions.cpu()))
                .isInstanceOf(CheckpointException.class)
                .hasMessageContaining("2 tensor(s) missing")
                .hasMessageContaining("encoder.final_layer_norm.weight")
                .hasMessageContaining("decoder.block.2.layer.1.EncDecAttention.k.weight");
    }

    @Test
    void cachedGenerationEqualsUncachedForGreedyAndSampling() throws Exception {
        try (T5Model model = create("gated-gelu", false, 11)) {
            for (Decoding decoding : List.of(Decoding.greedy(10), new Decoding(10, true, 1.3, 0, 1.0, 99))) {
                T5Generator.Result cached = model.generate(PROMPTS, decoding, 2, true, true);
                T5Generator.Result uncached = model.generate(PROMPTS, decoding, 2, false, true);
                assertThat(cached.tokens()).hasSize(6);
                for (int r = 0; r < 6; r++) {
                    assertThat(cached.tokens().get(r)).isEqualTo(uncached.tokens().get(r));
                    float[][] a = cached.stepLogits().get(r);
                    float[][] b = uncached.stepLogits().get(r);
                    for (int t = 0; t < a.length; t++) {
                        for (int v = 0; v < a[t].length; v++) {
                            assertThat(a[t][v]).isCloseTo(b[t][v], org.assertj.core.data.Offset.offset(1e-4f));
                        }
                    }
                }
                // Seeded: the same call gives the same samples.
                assertThat(model.generate(PROMPTS, decoding, 2)).usingRecursiveComparison()
                        .isEqualTo(model.generate(PROMPTS, decoding, 2));
            }
        }
    }

    @Test
    void badTokenIdsAreNamed() throws Exception {
        try (T5Model model = create("relu", true, 23); NDManager manager = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> model.loss(manager, List.of(new int[] {3, 50}), List.of(new int[] {1})))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prompt 0: token id 50");
            assertThatThrownBy(() -> model.generate(List.of(new int[] {-1}), Decoding.greedy(2), 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("token id -1");
            assertThatThrownBy(() -> model.loss(manager, List.of(new int[] {3}), List.of(new int[0])))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("target 0 is empty");
        }
    }

    @Test
    void concurrentGenerateCallsGiveTheSequentialResults() throws Exception {
        try (T5Model model = create("gated-gelu", false, 29)) {
            Decoding sampling = new Decoding(6, true, 1.0, 10, 0.9, 5);
            List<List<int[]>> expected = model.generate(PROMPTS, sampling, 2);
            int modelArrays = model.manager().getManagedArrays().size();
            var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
            try {
                List<java.util.concurrent.Future<List<List<int[]>>>> futures = new java.util.ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    futures.add(pool.submit(() -> model.generate(PROMPTS, sampling, 2)));
                }
                for (var future : futures) {
                    assertThat(future.get()).usingRecursiveComparison().isEqualTo(expected);
                }
            } finally {
                pool.shutdown();
            }
            assertThat(model.manager().getManagedArrays()).hasSize(modelArrays);
        }
    }

    @Test
    void batchedGenerationEqualsOnePromptAtATime() throws Exception {
        try (T5Model model = create("relu", true, 13)) {
            List<List<int[]>> batched = model.generate(PROMPTS, Decoding.greedy(8), 1);
            for (int p = 0; p < PROMPTS.size(); p++) {
                List<List<int[]>> alone = model.generate(List.of(PROMPTS.get(p)), Decoding.greedy(8), 1);
                assertThat(alone.get(0).get(0)).isEqualTo(batched.get(p).get(0));
                assertThat(batched.get(p).get(0).length).isLessThanOrEqualTo(8);
            }
        }
    }

    @Test
    void thousandForwardPassesLeaveNoLiveArrays() throws Exception {
        // One layer per stack keeps 1,000 passes quick; the code paths are those of any size.
        var config = T5TestModels.tiny("gated-silu", false).with("num_layers", 1).with("num_decoder_layers", 1)
                .with("d_model", 8).with("d_kv", 4).with("num_heads", 2).with("d_ff", 8);
        try (T5Model model = (T5Model) ArchitectureRegistry.create(config, 17, ModelOptions.cpu());
             NDManager caller = NDManager.newBaseManager()) {
            int modelArrays = model.manager().getManagedArrays().size();
            assertThat(modelArrays).isEqualTo(model.block().getParameters().size());
            // Warm up, then count: every call must release what it created.
            model.loss(caller, PROMPTS, TARGETS).close();
            // Tiny ops gain nothing from intra-op threads, and on a busy machine their barriers cost 10x.
            int threads = JniUtils.getNumThreads();
            JniUtils.setNumThreads(1);
            try {
                for (int i = 0; i < 1000; i++) {
                    model.loss(caller, PROMPTS, TARGETS).close();
                }
            } finally {
                JniUtils.setNumThreads(threads);
            }
            for (int i = 0; i < 20; i++) {
                model.generate(PROMPTS, Decoding.greedy(4), 1);
                model.generate(PROMPTS, Decoding.greedy(4), 1, false, false);
            }
            assertThat(caller.getManagedArrays()).isEmpty();
            assertThat(model.manager().getManagedArrays()).hasSize(modelArrays);
        }
    }

    @Test
    void gradientsFlowAndAnUpdateLowersTheLoss() throws Exception {
        try (T5Model model = create("gated-gelu", false, 19)) {
            for (Parameter parameter : model.block().getParameters().values()) {
                parameter.getArray().setRequiresGradient(true);
            }
            float before;
            try (NDManager step = NDManager.newBaseManager();
                 GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray loss = model.loss(step, PROMPTS, TARGETS);
                before = loss.getFloat();
                collector.backward(loss);
            }
            for (Parameter parameter : model.block().getParameters().values()) {
                NDArray array = parameter.getArray();
                try (NDArray gradient = array.getGradient()) {
                    assertThat(gradient.abs().sum().getFloat()).as(parameter.getName()).isPositive();
                    try (NDArray update = gradient.mul(0.05f)) {
                        array.subi(update);
                    }
                }
            }
            assertThat(loss(model)).isLessThan(before);
        }
    }
}
