package ai.kard.core.internal.model.llama;

import ai.kard.core.checkpoint.CheckpointException;
import ai.kard.core.internal.checkpoint.HfConfig;
import ai.kard.core.internal.model.common.ConfigSupport;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The Llama-family sizes of a config.json ({@code model_type} llama, mistral or qwen2), with HF's
 * {@code LlamaConfig} / {@code MistralConfig} / {@code Qwen2Config} defaults for absent keys.
 *
 * @param modelType         llama, mistral or qwen2
 * @param qkvBias           q/k/v projections have biases (Qwen2 always; Llama with {@code attention_bias})
 * @param outputBias        o_proj has a bias (Llama {@code attention_bias}; never Qwen2)
 * @param mlpBias           gate/up/down have biases ({@code mlp_bias})
 * @param slidingWindow     attention window when one applies, else 0 (sequences longer than it are refused)
 * @param ropeScale         Llama-3 rope scaling ({@code rope_scaling.rope_type: llama3}) or null
 */
public record LlamaConfig(String modelType, int vocabSize, int hiddenSize, int intermediateSize, int layers,
        int heads, int kvHeads, int headDim, double rmsNormEps, double ropeTheta, boolean tieWordEmbeddings,
        boolean qkvBias, boolean outputBias, boolean mlpBias, String hiddenAct, int slidingWindow,
        Llama3RopeScaling ropeScale, double initializerRange, int eosTokenId, List<Integer> extraEosTokenIds,
        int padTokenId) {

    /** Llama 3.1/3.2 rope scaling parameters. */
    public record Llama3RopeScaling(double factor, double lowFreqFactor, double highFreqFactor,
            int originalMaxPositions) {
    }

    public boolean isQwen2() {
        return modelType.equals("qwen2");
    }

    /** Reads and validates {@code config}. */
    public static LlamaConfig from(HfConfig config) throws CheckpointException {
        String type = config.modelType();
        boolean qwen2 = type.equals("qwen2");
        boolean mistral = type.equals("mistral");
        int vocab = ConfigSupport.positive(config, "vocab_size",
                config.getInt("vocab_size", qwen2 ? 151936 : 32000));
        int hidden = ConfigSupport.positive(config, "hidden_size", config.getInt("hidden_size", 4096));
        int intermediate = ConfigSupport.positive(config, "intermediate_size",
                config.getInt("intermediate_size", qwen2 ? 22016 : mistral ? 14336 : 11008));
        int layers = ConfigSupport.positive(config, "num_hidden_layers", config.getInt("num_hidden_layers", 32));
        int heads = ConfigSupport.positive(config, "num_attention_heads", config.getInt("num_attention_heads", 32));
        int kvHeads = ConfigSupport.positive(config, "num_key_value_heads",
                config.getInt("num_key_value_heads", mistral ? 8 : heads));
        if (heads % kvHeads != 0) {
            throw ConfigSupport.error(config, "num_key_value_heads", kvHeads + " does not divide "
                    + heads + " attention heads");
        }
        int headDim;
        if (config.has("head_dim")) {
            headDim = ConfigSupport.positive(config, "head_dim", config.requireInt("head_dim"));
        } else {
            if (hidden % heads != 0) {
                throw ConfigSupport.error(config, "hidden_size", hidden + " is not divisible by " + heads
                        + " attention heads and there is no head_dim");
            }
            headDim = hidden / heads;
        }
        if (headDim % 2 != 0) {
            throw ConfigSupport.error(config, "head_dim", "rotary embeddings need an even head_dim, got " + headDim);
        }
        double eps = config.getDouble("rms_norm_eps", 1e-6);
        double theta = config.getDouble("rope_theta", 10000.0);
        boolean attentionBias = config.getBoolean("attention_bias", false);
        boolean mlpBias = config.getBoolean("mlp_bias", false);
        String act = config.getString("hidden_act").orElse("silu");
        int window = 0;
        if (mistral && config.has("sliding_window")) {
            window = config.requireInt("sliding_window");
        } else if (qwen2 && config.getBoolean("use_sliding_window", false)) {
            window = config.getInt("sliding_window", 4096);
        }
        Llama3RopeScaling scaling = ropeScaling(config);
        List<Integer> eos = ConfigSupport.tokenIds(config, "eos_token_id");
        if (eos.isEmpty()) {
            if (qwen2) {
                throw ConfigSupport.error(config, "eos_token_id", "missing (Qwen2 configs have no default)");
            }
            eos = List.of(2);
        }
        List<Integer> pad = ConfigSupport.tokenIds(config, "pad_token_id");
        // HF generate pads with eos when the config has no pad token.
        int padId = pad.isEmpty() ? eos.get(0) : pad.get(0);
        return new LlamaConfig(type, vocab, hidden, intermediate, layers, heads, kvHeads, headDim, eps, theta,
                config.getBoolean("tie_word_embeddings", false), qwen2 || attentionBias, !qwen2 && attentionBias,
                mlpBias, act, window, scaling, config.getDouble("initializer_range", 0.02), eos.get(0),
                eos.subList(1, eos.size()), padId);
    }

    private static Llama3RopeScaling ropeScaling(HfConfig config) throws CheckpointException {
        JsonNode node = config.json().get("rope_scaling");
        if (node == null || node.isNull()) {
            return null;
        }
        String type = node.path("rope_type").asText(node.path("type").asText(""));
        if (!type.equals("llama3")) {
            throw ConfigSupport.error(config, "rope_scaling", "rope type \"" + type
                    + "\" is not supported; Kard supports the default rotary embeddings and llama3 scaling");
        }
        return new Llama3RopeScaling(node.path("factor").asDouble(8), node.path("low_freq_factor").asDouble(1),
                node.path("high_freq_factor").asDouble(4),
                node.path("original_max_position_embeddings").asInt(8192));
    }

    /** HF's inverse rotary frequencies, with Llama-3 scaling when configured. */
    public float[] inverseFrequencies() {
        float[] inv = ai.kard.core.internal.model.common.Rope.defaultFrequencies(ropeTheta, headDim);
        if (ropeScale == null) {
            return inv;
        }
        double lowWavelen = ropeScale.originalMaxPositions() / ropeScale.lowFreqFactor();
        double highWavelen = ropeScale.originalMaxPositions() / ropeScale.highFreqFactor();
        for (int i = 0; i < inv.length; i++) {
            double wavelen = 2 * Math.PI / inv[i];
            if (wavelen > lowWavelen) {
                inv[i] = (float) (inv[i] / ropeScale.factor());
            } else if (wavelen >= highWavelen) {
                double smooth = (ropeScale.originalMaxPositions() / wavelen - ropeScale.lowFreqFactor())
                        / (ropeScale.highFreqFactor() - ropeScale.lowFreqFactor());
                inv[i] = (float) ((1 - smooth) * inv[i] / ropeScale.factor() + smooth * inv[i]);
            }
        }
        return inv;
    }

    @Override
    public String toString() {
        return modelType + "(layers=" + layers + ", hidden=" + hiddenSize + ", heads=" + heads + "/" + kvHeads
                + ", headDim=" + headDim + ", intermediate=" + intermediateSize + ", vocab=" + vocabSize
                + ", tied=" + tieWordEmbeddings + ")";
    }
}
