package ai.kard.core.internal.model.t5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import ai.kard.core.checkpoint.CheckpointException;
import ai.kard.core.internal.checkpoint.HfConfig;
import ai.kard.core.model.ModelOptions;
import org.junit.jupiter.api.Test;

class T5ConfigTest {

    private static HfConfig minimal() {
        return HfConfig.of("model_type", "t5", "vocab_size", 100, "d_model", 16, "d_kv", 4, "d_ff", 32,
                "num_heads", 4, "num_layers", 2);
    }

    @Test
    void absentKeysTakeHfDefaults() throws Exception {
        T5Config c = T5Config.from(minimal());
        assertThat(c.activation()).isEqualTo("relu");
        assertThat(c.gated()).isFalse();
        assertThat(c.tiedEmbeddings()).isTrue();
        assertThat(c.numDecoderLayers()).isEqualTo(2);
        assertThat(c.numBuckets()).isEqualTo(32);
        assertThat(c.maxDistance()).isEqualTo(128);
        assertThat(c.layerNormEpsilon()).isEqualTo(1e-6);
        assertThat(c.padTokenId()).isZero();
        assertThat(c.eosTokenId()).isEqualTo(1);
        assertThat(c.decoderStartTokenId()).isZero();
    }

    @Test
    void feedForwardProjAndAuthoritativeActivationKeys() throws Exception {
        assertThat(T5Config.from(minimal().with("feed_forward_proj", "gated-gelu")).activation())
                .isEqualTo("gelu_new");
        T5Config silu = T5Config.from(minimal().with("feed_forward_proj", "gated-silu"));
        assertThat(silu.activation()).isEqualTo("silu");
        assertThat(silu.gated()).isTrue();
        T5Config overridden = T5Config.from(minimal().with("feed_forward_proj", "gated-gelu")
                .with("dense_act_fn", "gelu").with("is_gated_act", false));
        assertThat(overridden.activation()).isEqualTo("gelu");
        assertThat(overridden.gated()).isFalse();
    }

    @Test
    void invalidConfigsAreNamed() {
        assertThatThrownBy(() -> T5Config.from(minimal().with("feed_forward_proj", "gated-tanh")))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("tanh");
        assertThatThrownBy(() -> T5Config.from(minimal().with("feed_forward_proj", "double-gated-relu")))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("feed_forward_proj");
        assertThatThrownBy(() -> T5Config.from(minimal().with("num_heads", 0)))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("num_heads");
        assertThatThrownBy(() -> T5Config.from(HfConfig.of("model_type", "t5", "d_model", 8)))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("num_layers");
    }

    @Test
    void toHfConfigRoundTrips() throws Exception {
        T5Config c = T5Config.from(T5TestModels.tiny("gated-gelu", false));
        assertThat(T5Config.from(c.toHfConfig())).isEqualTo(c);
    }

    @Test
    void embeddingInitStdReplacesHfsForTheEmbeddingAndTheUntiedHeadOnly() throws Exception {
        HfConfig config = minimal().with("tie_word_embeddings", false).with("d_model", 64).with("vocab_size", 2000);
        try (T5Model hf = (T5Model) new T5Architecture().create(config, 1, ModelOptions.cpu());
             T5Model small = (T5Model) new T5Architecture().create(config.with(T5Init.EMBEDDING_STD_KEY, 0.02), 1,
                     ModelOptions.cpu())) {
            for (String name : java.util.List.of(T5Parameters.SHARED, T5Parameters.LM_HEAD)) {
                assertThat(std(hf, name)).as(name).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.05));
                assertThat(std(small, name)).as(name).isCloseTo(0.02, org.assertj.core.data.Offset.offset(0.001));
            }
            String query = "encoder.block.0.layer.0.SelfAttention.q.weight";
            assertThat(std(small, query)).isEqualTo(std(hf, query));
        }
        assertThatThrownBy(() -> new T5Architecture().create(config.with(T5Init.EMBEDDING_STD_KEY, -1), 1,
                ModelOptions.cpu())).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(T5Init.EMBEDDING_STD_KEY).hasMessageContaining("-1");
    }

    @Test
    void localPositionInitMakesEveryHeadPreferNearbyPositionsEncoderHeadsLeaningAlternateWays() throws Exception {
        HfConfig config = minimal().with("num_heads", 4).with("relative_attention_num_buckets", 32)
                .with("relative_attention_max_distance", 128);
        T5Config c = T5Config.from(config);
        try (T5Model local = (T5Model) new T5Architecture().create(config.with(T5Init.POSITION_INIT_KEY, "local"), 1,
                ModelOptions.cpu())) {
            String encoder = "encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight";
            String decoder = "decoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight";
            float[] enc = ((T5Parameters) local.block()).byName().get(encoder).getArray().toFloatArray();
            float[] dec = ((T5Parameters) local.block()).byName().get(decoder).getArray().toFloatArray();
            for (int h = 0; h < 4; h++) {
                double slope = Math.pow(2, -h);
                assertThat(bias(enc, c, true, 0, h)).isZero();
                // Even heads lean left (the word before), odd heads right.
                double left = bias(enc, c, true, -1, h);
                double right = bias(enc, c, true, 1, h);
                assertThat(h % 2 == 0 ? left : right).as("head %d, its side", h).isEqualTo((float) -slope);
                assertThat(h % 2 == 0 ? right : left).as("head %d, the other side", h).isEqualTo((float) (-4 * slope));
                assertThat(bias(dec, c, false, -1, h)).isEqualTo((float) -slope);
                for (int d = 1; d < 200; d++) {
                    assertThat(bias(dec, c, false, -d - 1, h)).as("head %d at %d", h, d)
                            .isLessThanOrEqualTo(bias(dec, c, false, -d, h));
                }
            }
        }
        try (T5Model hf = (T5Model) new T5Architecture().create(config.with(T5Init.POSITION_INIT_KEY, "hf"), 1,
                ModelOptions.cpu());
             T5Model plain = (T5Model) new T5Architecture().create(config, 1, ModelOptions.cpu())) {
            String name = "encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight";
            assertThat(std(hf, name)).isEqualTo(std(plain, name)).isCloseTo(Math.pow(c.dModel(), -0.5),
                    org.assertj.core.data.Offset.offset(0.1));
        }
        assertThatThrownBy(() -> new T5Architecture().create(config.with(T5Init.POSITION_INIT_KEY, "alibi"), 1,
                ModelOptions.cpu())).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(T5Init.POSITION_INIT_KEY).hasMessageContaining("alibi");
    }

    private static float bias(float[] table, T5Config c, boolean bidirectional, int relative, int head) {
        int bucket = T5RelativePosition.bucket(relative, bidirectional, c.numBuckets(), c.maxDistance());
        return table[bucket * c.numHeads() + head];
    }

    private static double std(T5Model model, String name) {
        float[] values = ((T5Parameters) model.block()).byName().get(name).getArray().toFloatArray();
        double sum = 0;
        for (float v : values) {
            sum += (double) v * v;
        }
        return Math.sqrt(sum / values.length);
    }

    @Test
    void float16IsRefused() {
        assertThatThrownBy(() -> new T5Architecture().create(minimal(), 1,
                new ModelOptions(Device.cpu(), DataType.FLOAT16)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("float16");
    }

    @Test
    void bucketsFollowHfRule() {
        // Exact buckets near the query, logarithmic further away, clamped at the last bucket.
        assertThat(T5RelativePosition.bucket(0, true, 32, 128)).isZero();
        assertThat(T5RelativePosition.bucket(3, true, 32, 128)).isEqualTo(16 + 3);
        assertThat(T5RelativePosition.bucket(-3, true, 32, 128)).isEqualTo(3);
        assertThat(T5RelativePosition.bucket(5, false, 32, 128)).isZero();
        assertThat(T5RelativePosition.bucket(-5000, false, 32, 128)).isEqualTo(31);
        assertThat(T5RelativePosition.bucket(5000, true, 32, 128)).isEqualTo(31);
    }
}
