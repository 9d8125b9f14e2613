package ai.kard.core.internal.model.opt;

import ai.kard.core.checkpoint.CheckpointException;
import ai.kard.core.internal.checkpoint.HfConfig;
import ai.kard.core.internal.model.common.ConfigSupport;
import java.util.List;

/**
 * OPT sizes from config.json with HF {@code OPTConfig} defaults: {@code word_embed_proj_dim} = hidden size when
 * absent, pre-LN ({@code do_layer_norm_before}), relu, biases, tied head; LayerNorm eps is always 1e-5.
 *
 * @param embedDim          {@code word_embed_proj_dim}: width of token embeddings and of the LM head
 * @param preNorm           {@code do_layer_norm_before}
 * @param finalLayerNorm    whether {@code model.decoder.final_layer_norm} exists (pre-LN and not removed)
 */
public record OptConfig(int vocabSize, int hidden, int embedDim, int heads, int layers, int ffnDim,
        int maxPositions, boolean preNorm, boolean finalLayerNorm, boolean bias, String activation,
        boolean tieWordEmbeddings, double initStd, int eosTokenId, int padTokenId) {
    /** OPT's (fairseq's) learned-position offset: position p reads row p + 2. */
    public static final int POSITION_OFFSET = 2;
    public static final double LAYER_NORM_EPS = 1e-5;

    public boolean projects() {
        return embedDim != hidden;
    }

    public int headDim() {
        return hidden / heads;
    }

    public static OptConfig from(HfConfig config) throws CheckpointException {
        int vocab = ConfigSupport.positive(config, "vocab_size", config.getInt("vocab_size", 50272));
        int hidden = ConfigSupport.positive(config, "hidden_size", config.getInt("hidden_size", 768));
        int embed = ConfigSupport.positive(config, "word_embed_proj_dim", config.getInt("word_embed_proj_dim", hidden));
        int heads = ConfigSupport.positive(config, "num_attention_heads", config.getInt("num_attention_heads", 12));
        if (hidden % heads != 0) {
            throw ConfigSupport.error(config, "hidden_size", hidden + " is not divisible by " + heads + " heads");
        }
        int layers = ConfigSupport.positive(config, "num_hidden_layers", config.getInt("num_hidden_layers", 12));
        int ffn = ConfigSupport.positive(config, "ffn_dim", config.getInt("ffn_dim", 3072));
        int positions = ConfigSupport.positive(config, "max_position_embeddings",
                config.getInt("max_position_embeddings", 2048));
        boolean pre = config.getBoolean("do_layer_norm_before", true);
        if (!config.getBoolean("layer_norm_elementwise_affine", true)) {
            throw ConfigSupport.error(config, "layer_norm_elementwise_affine",
                    "false (LayerNorm without weights) is not supported");
        }
        List<Integer> eos = ConfigSupport.tokenIds(config, "eos_token_id");
        List<Integer> pad = ConfigSupport.tokenIds(config, "pad_token_id");
        int eosId = eos.isEmpty() ? 2 : eos.get(0);
        return new OptConfig(vocab, hidden, embed, heads, layers, ffn, positions, pre,
                pre && !config.getBoolean("_remove_final_layer_norm", false), config.getBoolean("enable_bias", true),
                config.getString("activation_function").orElse("relu"),
                config.getBoolean("tie_word_embeddings", true), config.getDouble("init_std", 0.02), eosId,
                pad.isEmpty() ? 1 : pad.get(0));
    }

    @Override
    public String toString() {
        return "opt(layers=" + layers + ", hidden=" + hidden + ", embed=" + embedDim + ", heads=" + heads
                + ", ffn=" + ffnDim + ", vocab=" + vocabSize + ", " + (preNorm ? "pre-LN" : "post-LN") + ")";
    }
}
