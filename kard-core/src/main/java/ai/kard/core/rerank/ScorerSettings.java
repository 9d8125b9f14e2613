package ai.kard.core.rerank;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The late-interaction settings written to {@code reranker.json}.
 *
 * @param dim              projection width (ColBERT uses 128)
 * @param queryMaxLength   question tokens kept, [CLS] and [SEP] included
 * @param passageMaxLength passage tokens kept, [CLS] and [SEP] included
 * @param normalize        L2-normalise token vectors before MaxSim (ColBERT); off by default
 * @param tokenizerSource  where the tokenizer came from (hub id, folder, or {@code bundled:...}); informational
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ScorerSettings(@JsonProperty("dim") int dim, @JsonProperty("query_max_length") int queryMaxLength,
        @JsonProperty("passage_max_length") int passageMaxLength, @JsonProperty("normalize") boolean normalize,
        @JsonProperty("tokenizer") String tokenizerSource) {
    public static final int DEFAULT_DIM = 128;
    public static final int DEFAULT_QUERY_MAX_LENGTH = 64;
    public static final int DEFAULT_PASSAGE_MAX_LENGTH = 180;

    @JsonCreator
    public ScorerSettings {
        if (dim <= 0) {
            throw new IllegalArgumentException("projection dim must be > 0, got " + dim);
        }
        if (queryMaxLength < 3 || passageMaxLength < 3) {
            throw new IllegalArgumentException("max lengths must leave room for [CLS] text [SEP], got query "
                    + queryMaxLength + ", passage " + passageMaxLength);
        }
        tokenizerSource = tokenizerSource == null ? "" : tokenizerSource;
    }

    /** dim 128, question 64 tokens, passage 180 tokens, dot product. */
    public static ScorerSettings defaults() {
        return new ScorerSettings(DEFAULT_DIM, DEFAULT_QUERY_MAX_LENGTH, DEFAULT_PASSAGE_MAX_LENGTH, false, "");
    }

    public ScorerSettings withDim(int newDim) {
        return new ScorerSettings(newDim, queryMaxLength, passageMaxLength, normalize, tokenizerSource);
    }

    public ScorerSettings withMaxLengths(int query, int passage) {
        return new ScorerSettings(dim, query, passage, normalize, tokenizerSource);
    }

    public ScorerSettings withNormalize(boolean value) {
        return new ScorerSettings(dim, queryMaxLength, passageMaxLength, value, tokenizerSource);
    }

    public ScorerSettings withTokenizerSource(String source) {
        return new ScorerSettings(dim, queryMaxLength, passageMaxLength, normalize, source);
    }
}
