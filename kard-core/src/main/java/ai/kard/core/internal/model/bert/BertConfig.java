package ai.kard.core.internal.model.bert;

import ai.kard.core.checkpoint.CheckpointException;
import ai.kard.core.internal.checkpoint.HfConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * The sizes of a BERT-family encoder (BERT, LinkBERT, BioLinkBERT, MiniLM, PubMedBERT), with HF {@code BertConfig}
 * defaults for absent keys.
 *
 * @param hiddenAct {@code gelu} (exact erf form) or {@code gelu_new} (tanh approximation)
 */
public record BertConfig(int vocabSize, int hiddenSize, int numHiddenLayers, int numAttentionHeads,
        int intermediateSize, int maxPositionEmbeddings, int typeVocabSize, double layerNormEps,
        String hiddenAct, int padTokenId, double initializerRange) {

    public BertConfig {
        positive("vocab_size", vocabSize);
        positive("hidden_size", hiddenSize);
        positive("num_hidden_layers", numHiddenLayers);
        positive("num_attention_heads", numAttentionHeads);
        positive("intermediate_size", intermediateSize);
        positive("max_position_embeddings", maxPositionEmbeddings);
        positive("type_vocab_size", typeVocabSize);
        if (hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("hidden_size " + hiddenSize + " is not divisible by "
                    + numAttentionHeads + " attention heads");
        }
        if (!(layerNormEps > 0)) {
            throw new IllegalArgumentException("layer_norm_eps must be > 0, got " + layerNormEps);
        }
        if (!List.of("gelu", "gelu_new", "gelu_pytorch_tanh", "relu").contains(hiddenAct)) {
            throw new IllegalArgumentException("hidden_act \"" + hiddenAct
                    + "\" is not supported; use gelu, gelu_new or relu");
        }
        if (padTokenId < 0 || padTokenId >= vocabSize) {
            throw new IllegalArgumentException("pad_token_id " + padTokenId + " outside the vocabulary of "
                    + vocabSize);
        }
        if (!(initializerRange > 0)) {
            throw new IllegalArgumentException("initializer_range must be > 0, got " + initializerRange);
        }
    }

    private static void positive(String key, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + " must be > 0, got " + value);
        }
    }

    /** Reads a HF config; absent keys take {@code transformers.BertConfig}'s defaults. */
    public static BertConfig from(HfConfig config) throws CheckpointException {
        String positions = config.getString("position_embedding_type").orElse("absolute");
        if (!positions.equals("absolute")) {
            throw error(config, "position_embedding_type \"" + positions + "\" is not supported (only absolute)");
        }
        try {
            return new BertConfig(config.getInt("vocab_size", 30522), config.getInt("hidden_size", 768),
                    config.getInt("num_hidden_layers", 12), config.getInt("num_attention_heads", 12),
                    config.getInt("intermediate_size", 3072), config.getInt("max_position_embeddings", 512),
                    config.getInt("type_vocab_size", 2), config.getDouble("layer_norm_eps", 1e-12),
                    config.getString("hidden_act").orElse("gelu"), config.getInt("pad_token_id", 0),
                    config.getDouble("initializer_range", 0.02));
        } catch (IllegalArgumentException e) {
            throw error(config, e.getMessage());
        }
    }

    private static CheckpointException error(HfConfig config, String message) {
        return new CheckpointException(config.source() == null ? Path.of("config.json") : config.source(), message);
    }

    /** The HF {@code config.json} of a {@code BertModel} with these sizes. */
    public HfConfig toHf() {
        return HfConfig.of("architectures", List.of("BertModel"), "model_type", "bert",
                "vocab_size", vocabSize, "hidden_size", hiddenSize, "num_hidden_layers", numHiddenLayers,
                "num_attention_heads", numAttentionHeads, "intermediate_size", intermediateSize,
                "max_position_embeddings", maxPositionEmbeddings, "type_vocab_size", typeVocabSize,
                "layer_norm_eps", layerNormEps, "hidden_act", hiddenAct, "pad_token_id", padTokenId,
                "initializer_range", initializerRange, "position_embedding_type", "absolute",
                "hidden_dropout_prob", 0.1, "attention_probs_dropout_prob", 0.1, "torch_dtype", "float32");
    }

    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    /** Number of weights (embeddings, layers, pooler). */
    public long parameterCount() {
        long h = hiddenSize;
        long embeddings = (long) (vocabSize + maxPositionEmbeddings + typeVocabSize) * h + 2 * h;
        long layer = 4 * (h * h + h) + 2 * h * intermediateSize + intermediateSize + h + 4 * h;
        return embeddings + numHiddenLayers * layer + h * h + h;
    }

    @Override
    public String toString() {
        return "BertConfig(layers=" + numHiddenLayers + ",hidden=" + hiddenSize + ",heads=" + numAttentionHeads
                + ",intermediate=" + intermediateSize + ",vocab=" + vocabSize + ",positions="
                + maxPositionEmbeddings + ",act=" + hiddenAct + ",eps=" + layerNormEps + ")";
    }
}
