package ai.kard.core.distill;

import ai.kard.core.checkpoint.HfConfig;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * From-scratch T5 students on the bundled bert-base-uncased WordPiece vocabulary ([PAD]=0 doubles as decoder
 * start, [SEP]=102 as end of sequence). Each carries training defaults that make random initialisation learn on
 * a few thousand examples: many epochs, a high warmed-up learning rate and renaming augmentation.
 */
public enum StudentPreset {
    /** 3+3 layers, d_model 128: trains in minutes on two CPU cores. */
    T5_TINY("scratch:t5-tiny", 128, 32, 4, 512, 3,
            new TrainingDefaults(6, 2e-3, 16, 0.05, 0.7)),
    /** 4+4 layers, d_model 256: a larger from-scratch student. */
    T5_SMALL("scratch:t5-small", 256, 32, 8, 1024, 4,
            new TrainingDefaults(10, 1e-3, 16, 0.05, 0.7));

    /** Reference prefix of every preset. */
    public static final String PREFIX = "scratch:";
    /** Token ids of the bundled WordPiece vocabulary. */
    public static final int VOCAB_SIZE = 30522;
    public static final int PAD_ID = 0;
    public static final int EOS_ID = 102;

    private final String reference;
    private final int dModel;
    private final int dKv;
    private final int heads;
    private final int dFf;
    private final int layers;
    private final TrainingDefaults defaults;

    StudentPreset(String reference, int dModel, int dKv, int heads, int dFf, int layers, TrainingDefaults defaults) {
        this.reference = reference;
        this.dModel = dModel;
        this.dKv = dKv;
        this.heads = heads;
        this.dFf = dFf;
        this.layers = layers;
        this.defaults = defaults;
    }

    /** The preset named {@code reference} ({@code scratch:t5-tiny}), case-insensitive. */
    public static Optional<StudentPreset> find(String reference) {
        String wanted = reference.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(p -> p.reference.equals(wanted)).findFirst();
    }

    /** The names of all presets, for error messages. */
    public static String names() {
        return String.join(", ", Arrays.stream(values()).map(StudentPreset::reference).toList());
    }

    public String reference() {
        return reference;
    }

    public TrainingDefaults defaults() {
        return defaults;
    }

    /** The HF {@code config.json} of the preset (a plain T5 v1.1-style config that transformers can load). */
    public HfConfig config() {
        return HfConfig.of(
                "model_type", "t5",
                "architectures", java.util.List.of("T5ForConditionalGeneration"),
                "vocab_size", VOCAB_SIZE,
                "d_model", dModel,
                "d_kv", dKv,
                "d_ff", dFf,
                "num_layers", layers,
                "num_decoder_layers", layers,
                "num_heads", heads,
                "relative_attention_num_buckets", 32,
                "relative_attention_max_distance", 128,
                "dropout_rate", 0.1,
                "layer_norm_epsilon", 1e-6,
                "initializer_factor", 1.0,
                "feed_forward_proj", "gated-gelu",
                "tie_word_embeddings", true,
                "is_encoder_decoder", true,
                "pad_token_id", PAD_ID,
                "eos_token_id", EOS_ID,
                "decoder_start_token_id", PAD_ID,
                "kard_preset", reference,
                // A pointer-generator head: from scratch, copying unseen names out of the passage is learnt
                // through it long before the vocabulary head can reproduce them.
                ai.kard.core.model.t5.T5CopyModel.CONFIG_KEY, true);
    }

    @Override
    public String toString() {
        return reference + "(d_model=" + dModel + ", layers=" + layers + "+" + layers + ", heads=" + heads
                + ", d_ff=" + dFf + ")";
    }
}
