package ai.kard.core.internal.model.t5;

import ai.kard.core.internal.checkpoint.HfConfig;
import ai.kard.core.internal.model.common.CopyHead;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * From-scratch T5 students, by name, on the bundled bert-base-uncased WordPiece vocabulary
 * ({@link ai.kard.core.internal.tokenizer.TextTokenizer#bundledWordPiece()}: [PAD] 0 doubles as the decoder start, [SEP] 102
 * as end of sequence). Plain T5 v1.1-style configs that transformers can load, plus a {@link CopyHead}
 * ({@code "kard_copy_head": true}): from scratch, copying unseen names out of the passage is learnt through it long
 * before the vocabulary head can reproduce them.
 */
public final class T5Presets {
    /** 3+3 layers, d_model 128: trains in minutes on two CPU cores. */
    public static final String T5_TINY = "scratch:t5-tiny";
    /** 4+4 layers, d_model 256: a larger from-scratch student. */
    public static final String T5_SMALL = "scratch:t5-small";

    private static final Map<String, HfConfig> PRESETS = new TreeMap<>();

    static {
        PRESETS.put(T5_TINY, config(T5_TINY, 128, 32, 4, 512, 3));
        PRESETS.put(T5_SMALL, config(T5_SMALL, 256, 32, 8, 1024, 4));
    }

    private T5Presets() {
    }

    /** Every preset's config by name ({@code scratch:...}). */
    public static Map<String, HfConfig> all() {
        return Collections.unmodifiableMap(PRESETS);
    }

    private static HfConfig config(String name, int dModel, int dKv, int heads, int dFf, int layers) {
        return HfConfig.of(
                "model_type", "t5",
                "architectures", List.of("T5ForConditionalGeneration"),
                "vocab_size", 30522,
                "d_model", dModel,
                "d_kv", dKv,
                "d_ff", dFf,
                "num_layers", layers,
                "num_decoder_layers", layers,
                "num_heads", heads,
                "relative_attention_num_buckets", 32,
                "relative_attention_max_distance", 128,
                // No dropout: from scratch on a few thousand examples, renaming augmentation is the regulariser,
                // and dropout 0.1 cost accuracy (demo probe, 1,000 questions x 4 epochs: KARD oracle 0.51 -> 0.43).
                "dropout_rate", 0.0,
                "layer_norm_epsilon", 1e-6,
                "initializer_factor", 1.0,
                // Position-aware from the first step: with HF's random relative biases a student trained for a few
                // hundred steps stays position-blind (see T5Init.localBias).
                T5Init.POSITION_INIT_KEY, "local",
                "feed_forward_proj", "gated-gelu",
                "tie_word_embeddings", true,
                "is_encoder_decoder", true,
                "pad_token_id", 0,
                "eos_token_id", 102,
                "decoder_start_token_id", 0,
                "kard_preset", name,
                CopyHead.CONFIG_KEY, true);
    }
}
