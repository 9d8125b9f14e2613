package ai.kard.core.rerank;

import ai.kard.api.InvalidSettingException;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The late-interaction settings written to {@code reranker.json}.
 *
 * @param dim              projection width (ColBERT uses 128)
 * @param queryMaxLength   question tokens kept, [CLS] and [SEP] included
 * @param passageMaxLength passage tokens kept, [CLS] and [SEP] included
 * @param normalize        L2-normalise token vectors before MaxSim (ColBERT); off by default (the bi-encoder
 *                         mode always normalises its pooled vectors)
 * @param tokenizerSource  where the tokenizer came from (hub id, folder, or {@code bundled:...}); informational
 * @param mode             late interaction (MaxSim, the default when absent) or bi-encoder (mean-pooled cosine)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ScorerSettings(@JsonProperty("dim") int dim, @JsonProperty("query_max_length") int queryMaxLength,
        @JsonProperty("passage_max_length") int passageMaxLength, @JsonProperty("normalize") boolean normalize,
        @JsonProperty("tokenizer") String tokenizerSource, @JsonProperty("mode") ScoringMode mode) {
    /** Default projection width. */
    public static final int DEFAULT_DIM = 128;
    /** Default question tokens kept. */
    public static final int DEFAULT_QUERY_MAX_LENGTH = 64;
    /** Default passage tokens kept. */
    public static final int DEFAULT_PASSAGE_MAX_LENGTH = 180;
    /** Passage tokens of a zero-shot encoder (sentence-transformers' max_seq_length for MiniLM). */
    public static final int ZERO_SHOT_PASSAGE_MAX_LENGTH = 256;

    /**
     * Checks the width and lengths; a null mode is late interaction.
     *
     * @param dim projection width (ColBERT uses 128)
     * @param queryMaxLength question tokens kept, [CLS] and [SEP] included
     * @param passageMaxLength passage tokens kept, [CLS] and [SEP] included
     * @param normalize L2-normalise token vectors before MaxSim (ColBERT); off by default (the bi-encoder mode always
     *     normalises its pooled vectors)
     * @param tokenizerSource where the tokenizer came from (hub id, folder, or {@code bundled:...}); informational
     * @param mode late interaction (MaxSim, the default when absent) or bi-encoder (mean-pooled cosine)
     */
    @JsonCreator
    public ScorerSettings {
        if (dim <= 0) {
            throw new InvalidSettingException("projection dim must be > 0, got " + dim);
        }
        if (queryMaxLength < 3 || passageMaxLength < 3) {
            throw new InvalidSettingException("max lengths must leave room for [CLS] text [SEP], got query "
                    + queryMaxLength + ", passage " + passageMaxLength);
        }
        tokenizerSource = tokenizerSource == null ? "" : tokenizerSource;
        mode = mode == null ? ScoringMode.LATE_INTERACTION : mode;
    }

    /**
     * Late-interaction settings (the mode of folders written before modes existed).
     *
     * @param dim projection width
     * @param queryMaxLength question tokens kept, [CLS] and [SEP] included
     * @param passageMaxLength passage tokens kept, [CLS] and [SEP] included
     * @param normalize true for cosine MaxSim on L2-normalised vectors
     * @param tokenizerSource where the tokenizer comes from
     */
    public ScorerSettings(int dim, int queryMaxLength, int passageMaxLength, boolean normalize,
            String tokenizerSource) {
        this(dim, queryMaxLength, passageMaxLength, normalize, tokenizerSource, ScoringMode.LATE_INTERACTION);
    }

    /**
     * dim 128, question 64 tokens, passage 180 tokens, dot product.
     *
     * @return the default settings
     */
    public static ScorerSettings defaults() {
        return new ScorerSettings(DEFAULT_DIM, DEFAULT_QUERY_MAX_LENGTH, DEFAULT_PASSAGE_MAX_LENGTH, false, "");
    }

    /**
     * A copy with another projection width.
     *
     * @param newDim the width
     * @return the copy
     */
    public ScorerSettings withDim(int newDim) {
        return new ScorerSettings(newDim, queryMaxLength, passageMaxLength, normalize, tokenizerSource, mode);
    }

    /**
     * A copy with other token limits.
     *
     * @param query question tokens kept
     * @param passage passage tokens kept
     * @return the copy
     */
    public ScorerSettings withMaxLengths(int query, int passage) {
        return new ScorerSettings(dim, query, passage, normalize, tokenizerSource, mode);
    }

    /**
     * A copy with normalisation on or off.
     *
     * @param value true for cosine
     * @return the copy
     */
    public ScorerSettings withNormalize(boolean value) {
        return new ScorerSettings(dim, queryMaxLength, passageMaxLength, value, tokenizerSource, mode);
    }

    /**
     * A copy with another tokenizer source.
     *
     * @param source where the tokenizer comes from
     * @return the copy
     */
    public ScorerSettings withTokenizerSource(String source) {
        return new ScorerSettings(dim, queryMaxLength, passageMaxLength, normalize, source, mode);
    }

    /**
     * A copy with another scoring mode.
     *
     * @param value the mode
     * @return the copy
     */
    public ScorerSettings withMode(ScoringMode value) {
        return new ScorerSettings(dim, queryMaxLength, passageMaxLength, normalize, tokenizerSource,
                java.util.Objects.requireNonNull(value, "mode"));
    }

    /**
     * The settings of a pretrained encoder used as it is (zero-shot): an identity projection, so {@code dim} is the
     * encoder's hidden size; cosine (normalised) vectors in both modes; questions 64 tokens, passages 256 (the
     * sentence-transformers length of MiniLM), [CLS] and [SEP] included, or fewer when the encoder has fewer
     * positions.
     *
     * @param hiddenSize the encoder's hidden size (the identity projection's width)
     * @param maxPositions the encoder's position limit
     * @param mode late interaction or bi-encoder
     * @return the settings
     */
    public static ScorerSettings zeroShot(int hiddenSize, int maxPositions, ScoringMode mode) {
        return new ScorerSettings(hiddenSize, Math.min(DEFAULT_QUERY_MAX_LENGTH, maxPositions),
                Math.min(ZERO_SHOT_PASSAGE_MAX_LENGTH, maxPositions), true, "", mode);
    }
}
