package ai.kard.core.internal.model.t5;

import ai.kard.core.checkpoint.CheckpointException;
import ai.kard.core.internal.checkpoint.HfConfig;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The sizes and conventions of a T5 checkpoint, read from {@code config.json} with HF {@code T5Config}'s defaults
 * for absent keys. {@code numHeads * dKv} may differ from {@code dModel}.
 *
 * @param activation  {@code relu}, {@code gelu_new}, {@code gelu} or {@code silu} (on {@code wi} / {@code wi_0})
 * @param gated       true for {@code wi_0}/{@code wi_1} feed-forwards (T5 v1.1, Flan-T5)
 * @param tiedEmbeddings true: no {@code lm_head.weight}, logits use {@code shared.weight} after a
 *                    {@code dModel^-0.5} rescale (original T5)
 */
public record T5Config(int vocabSize, int dModel, int dKv, int dFf, int numHeads, int numLayers,
                       int numDecoderLayers, int numBuckets, int maxDistance, double layerNormEpsilon,
                       String activation, boolean gated, boolean tiedEmbeddings, double initializerFactor,
                       int padTokenId, int eosTokenId, int decoderStartTokenId) {

    public T5Config {
        positive("vocab_size", vocabSize);
        positive("d_model", dModel);
        positive("d_kv", dKv);
        positive("d_ff", dFf);
        positive("num_heads", numHeads);
        positive("num_layers", numLayers);
        positive("num_decoder_layers", numDecoderLayers);
        if (numBuckets < 2 || numBuckets % 2 != 0) {
            throw new IllegalArgumentException("relative_attention_num_buckets must be even and >= 2, got "
                    + numBuckets);
        }
        if (maxDistance <= numBuckets / 4) {
            throw new IllegalArgumentException("relative_attention_max_distance " + maxDistance
                    + " must exceed relative_attention_num_buckets / 4 = " + numBuckets / 4);
        }
        if (!(layerNormEpsilon > 0)) {
            throw new IllegalArgumentException("layer_norm_epsilon must be > 0, got " + layerNormEpsilon);
        }
        if (!(initializerFactor > 0)) {
            throw new IllegalArgumentException("initializer_factor must be > 0, got " + initializerFactor);
        }
        activation = activation.toLowerCase(Locale.ROOT);
        if (!activation.equals("relu") && !activation.equals("gelu_new") && !activation.equals("gelu")
                && !activation.equals("silu") && !activation.equals("swish")) {
            throw new IllegalArgumentException("T5 activation \"" + activation
                    + "\" is not supported; expected relu, gelu_new, gelu or silu");
        }
        for (int id : new int[] {padTokenId, eosTokenId, decoderStartTokenId}) {
            if (id < 0 || id >= vocabSize) {
                throw new IllegalArgumentException("special token id " + id + " is outside the vocabulary of "
                        + vocabSize);
            }
        }
    }

    private static void positive(String key, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + " must be positive, got " + value);
        }
    }

    /** Width of the attention projections ({@code num_heads * d_kv}). */
    public int innerDim() {
        return numHeads * dKv;
    }

    /**
     * Reads a T5 config with HF's defaults: {@code feed_forward_proj} "relu" ("gated-gelu" means gelu_new),
     * {@code dense_act_fn} / {@code is_gated_act} authoritative when present, {@code tie_word_embeddings} true,
     * {@code num_decoder_layers} = {@code num_layers}, 32 buckets, max distance 128, eps 1e-6, pad 0, eos 1,
     * decoder start 0.
     */
    public static T5Config from(HfConfig config) throws CheckpointException {
        String proj = config.getString("feed_forward_proj").orElse("relu").toLowerCase(Locale.ROOT);
        String[] parts = proj.split("-");
        boolean gatedFromProj = parts.length == 2 && parts[0].equals("gated");
        if (parts.length > 2 || (parts.length == 2 && !gatedFromProj)) {
            throw invalid(config, "feed_forward_proj \"" + proj + "\": expected \"{act}\" or \"gated-{act}\"");
        }
        String act = parts[parts.length - 1];
        if (proj.equals("gated-gelu")) {
            act = "gelu_new"; // HF's special case
        }
        act = config.getString("dense_act_fn").orElse(act);
        boolean gated = config.getBoolean("is_gated_act", gatedFromProj);
        int numLayers = config.requireInt("num_layers");
        int eos = config.json().path("eos_token_id").isArray()
                ? config.json().path("eos_token_id").get(0).asInt() : config.getInt("eos_token_id", 1);
        try {
            return new T5Config(config.requireInt("vocab_size"), config.requireInt("d_model"),
                    config.requireInt("d_kv"), config.requireInt("d_ff"), config.requireInt("num_heads"),
                    numLayers, config.getInt("num_decoder_layers", numLayers),
                    config.getInt("relative_attention_num_buckets", 32),
                    config.getInt("relative_attention_max_distance", 128),
                    config.getDouble("layer_norm_epsilon", 1e-6), act, gated,
                    config.getBoolean("tie_word_embeddings", true), config.getDouble("initializer_factor", 1.0),
                    config.getInt("pad_token_id", 0), eos, config.getInt("decoder_start_token_id", 0));
        } catch (IllegalArgumentException e) {
            throw invalid(config, e.getMessage());
        }
    }

    private static CheckpointException invalid(HfConfig config, String message) {
        return new CheckpointException(config.source() == null ? Path.of("config.json") : config.source(), message);
    }

    /** A HF config for this T5 (written by save; loads back in Kard and in transformers). */
    public HfConfig toHfConfig() {
        return HfConfig.of("architectures", java.util.List.of("T5ForConditionalGeneration"),
                "model_type", "t5", "vocab_size", vocabSize, "d_model", dModel, "d_kv", dKv, "d_ff", dFf,
                "num_heads", numHeads, "num_layers", numLayers, "num_decoder_layers", numDecoderLayers,
                "relative_attention_num_buckets", numBuckets, "relative_attention_max_distance", maxDistance,
                "layer_norm_epsilon", layerNormEpsilon,
                "feed_forward_proj", (gated ? "gated-" : "") + (activation.equals("gelu_new") && gated ? "gelu"
                        : activation),
                "dense_act_fn", activation, "is_gated_act", gated, "tie_word_embeddings", tiedEmbeddings,
                "initializer_factor", initializerFactor, "pad_token_id", padTokenId, "eos_token_id", eosTokenId,
                "decoder_start_token_id", decoderStartTokenId, "is_encoder_decoder", true);
    }

    @Override
    public String toString() {
        return "T5Config(d_model=" + dModel + ", heads=" + numHeads + "x" + dKv + ", d_ff=" + dFf + ", layers="
                + numLayers + "+" + numDecoderLayers + ", vocab=" + vocabSize + ", ff=" + (gated ? "gated-" : "")
                + activation + ", tied=" + tiedEmbeddings + ", buckets=" + numBuckets + "/" + maxDistance + ")";
    }
}
