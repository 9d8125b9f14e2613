package ai.kard.core.internal.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.kard.core.checkpoint.CheckpointException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsStoreTest {
    @TempDir
    Path dir;

    @Test
    void writesAndReadsBackEveryDtype() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            tensors.put("a.weight", manager.arange(12f).reshape(3, 4));
            tensors.put("c", manager.create(new float[] {0.5f, 3f, -1f}).toType(DataType.FLOAT16, false));
            SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors);

            SafetensorsStore store = SafetensorsStore.open(dir);
            assertThat(store.names()).containsExactly("a.weight", "c");
            NDArray a = store.load("a.weight", manager, DataType.FLOAT32);
            assertThat(a.getShape()).isEqualTo(new Shape(3, 4));
            assertThat(a.toFloatArray()).containsExactly(tensors.get("a.weight").toFloatArray());
            assertThat(store.load("c", manager, DataType.FLOAT32).toFloatArray()).containsExactly(0.5f, 3f, -1f);
        }
    }

    @Test
    void readsBfloat16AsFloat32() throws Exception {
        // bf16 1.5 = 0x3FC0, -2.25 = 0xC010; header written by hand as DJL cannot hold bf16 arrays on CPU.
        String header = "{\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}    ";
        java.nio.ByteBuffer file = java.nio.ByteBuffer.allocate(8 + header.length() + 4)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        file.putLong(header.length()).put(header.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .putShort((short) 0x3FC0).putShort((short) 0xC010);
        Files.write(dir.resolve("model.safetensors"), file.array());
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray b = SafetensorsStore.open(dir).load("b", manager, DataType.FLOAT32);
            assertThat(b.toFloatArray()).containsExactly(1.5f, -2.25f);
        }
    }

    @Test
    void loaderReportsEveryMissingTensorByName() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            SafetensorsWriter.write(dir.resolve("model.safetensors"), Map.of("x", manager.ones(new Shape(2))));
            SafetensorsStore store = SafetensorsStore.open(dir);
            WeightLoader loader = new WeightLoader().expect("x", 2).expect("y").expect("z");
            assertThatThrownBy(() -> loader.load(store, dir, manager, DataType.FLOAT32))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("2 tensor(s) missing").hasMessageContaining("y, z");
            WeightLoader wrongShape = new WeightLoader().expect("x", 3);
            assertThatThrownBy(() -> wrongShape.load(store, dir, manager, DataType.FLOAT32))
                    .hasMessageContaining("has shape (2)");
        }
    }

    @Test
    void loaderResolvesAliasesAndPrefixes() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            SafetensorsWriter.write(dir.resolve("model.safetensors"), Map.of(
                    "bert.encoder.w", manager.ones(new Shape(2)),
                    "encoder.embed_tokens.weight", manager.zeros(new Shape(3))));
            SafetensorsStore store = SafetensorsStore.open(dir);
            Map<String, NDArray> loaded = new WeightLoader().prefixes("bert.").expect("encoder.w")
                    .expect("shared.weight").alias("shared.weight", "encoder.embed_tokens.weight")
                    .load(store, dir, manager, DataType.FLOAT32);
            assertThat(loaded).containsOnlyKeys("encoder.w", "shared.weight");
        }
    }

    @Test
    void rejectsAFolderWithoutSafetensors() throws Exception {
        Files.writeString(dir.resolve("pytorch_model.bin"), "x");
        assertThatThrownBy(() -> SafetensorsStore.open(dir)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("no model.safetensors");
    }

    @Test
    void readsTheParityFixturesWhenPresent() throws Exception {
        Path fixtures = Path.of(System.getProperty("kard.repo.root", ".")).resolve("../shared/fixtures/hf-parity")
                .normalize();
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(fixtures), "no ../shared fixtures");
        SafetensorsStore store = SafetensorsStore.open(fixtures.resolve("t5-relu-tied"));
        assertThat(store.names()).contains("shared.weight");
        HfConfig config = HfConfig.read(fixtures.resolve("t5-relu-tied"));
        assertThat(config.modelType()).isEqualTo("t5");
        assertThat(config.getInt("num_decoder_layers", config.requireInt("num_layers"))).isEqualTo(2);
        assertThat(store.info("shared.weight").shape()).containsExactly(config.requireInt("vocab_size"),
                config.requireInt("d_model"));
    }
}
