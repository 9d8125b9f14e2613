package ai.kard.core.internal.model.gpt2;

import ai.kard.core.checkpoint.CheckpointException;
import ai.kard.core.internal.checkpoint.HfConfig;
import ai.kard.core.internal.model.common.ConfigSupport;
import java.util.List;

/**
 * GPT-2 sizes from config.json with HF {@code GPT2Config} defaults ({@code n_inner} null = 4 x {@code n_embd},
 * {@code gelu_new}, eps 1e-5, tied head). Without {@code pad_token_id}, generation pads with eos as HF does.
 */
public record Gpt2Config(int vocabSize, int hidden, int heads, int layers, int positions, int inner,
        String activation, double layerNormEps, boolean scaleAttnWeights, boolean scaleByInverseLayerIdx,
        boolean tieWordEmbeddings, double initializerRange, int eosTokenId, int padTokenId) {

    public int headDim() {
        return hidden / heads;
    }

    public static Gpt2Config from(HfConfig config) throws CheckpointException {
        int vocab = ConfigSupport.positive(config, "vocab_size", config.getInt("vocab_size", 50257));
        int hidden = ConfigSupport.positive(config, "n_embd", config.getInt("n_embd", 768));
        int heads = ConfigSupport.positive(config, "n_head", config.getInt("n_head", 12));
        if (hidden % heads != 0) {
            throw ConfigSupport.error(config, "n_embd", hidden + " is not divisible by n_head " + heads);
        }
        int layers = ConfigSupport.positive(config, "n_layer", config.getInt("n_layer", 12));
        int positions = ConfigSupport.positive(config, "n_positions", config.getInt("n_positions", 1024));
        int inner = ConfigSupport.positive(config, "n_inner", config.getInt("n_inner", 4 * hidden));
        List<Integer> eos = ConfigSupport.tokenIds(config, "eos_token_id");
        int eosId = eos.isEmpty() ? 50256 : eos.get(0);
        List<Integer> pad = ConfigSupport.tokenIds(config, "pad_token_id");
        return new Gpt2Config(vocab, hidden, heads, layers, positions, inner,
                config.getString("activation_function").orElse("gelu_new"),
                config.getDouble("layer_norm_epsilon", 1e-5), config.getBoolean("scale_attn_weights", true),
                config.getBoolean("scale_attn_by_inverse_layer_idx", false),
                config.getBoolean("tie_word_embeddings", true), config.getDouble("initializer_range", 0.02),
                eosId, pad.isEmpty() ? eosId : pad.get(0));
    }

    @Override
    public String toString() {
        return "gpt2(layers=" + layers + ", n_embd=" + hidden + ", heads=" + heads + ", inner=" + inner + ", vocab="
                + vocabSize + ", positions=" + positions + ")";
    }
}
