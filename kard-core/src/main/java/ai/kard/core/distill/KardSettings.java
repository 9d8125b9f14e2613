package ai.kard.core.distill;

import ai.kard.api.InvalidSettingException;
import java.util.Objects;

/**
 * How a {@link KardModel} builds its prompts and retrieves, stored in {@code kard.json} so that inference uses
 * exactly what training used.
 *
 * @param prompt       the prompt template and token budget
 * @param passages     passages in the prompt (k); 0 in RD mode
 * @param candidates   BM25 candidates handed to the reranker (kappa*, default 100)
 * @param maxNewTokens generation limit
 */
public record KardSettings(PromptFormat prompt, int passages, int candidates, int maxNewTokens) {
    /** BM25 candidates the reranker chooses from, by default. */
    public static final int DEFAULT_CANDIDATES = 100;

    /**
     * Checks the values: passages not negative, candidates positive and at least passages, maxNewTokens positive.
     *
     * @param prompt the prompt template and token budget
     * @param passages passages in the prompt (k); 0 in RD mode
     * @param candidates BM25 candidates handed to the reranker (kappa*, default 100)
     * @param maxNewTokens generation limit
     */
    public KardSettings {
        Objects.requireNonNull(prompt, "prompt");
        if (passages < 0) {
            throw new InvalidSettingException("passages must be >= 0, got " + passages);
        }
        if (candidates < Math.max(1, passages)) {
            throw new InvalidSettingException("candidates (" + candidates + ") must be at least passages ("
                    + passages + ") and positive");
        }
        if (maxNewTokens <= 0) {
            throw new InvalidSettingException("maxNewTokens must be positive, got " + maxNewTokens);
        }
    }

    /**
     * True when the student was trained with passages (KARD) rather than without (RD).
     *
     * @return true for a KARD student
     */
    public boolean knowledgeAugmented() {
        return passages > 0;
    }

    /**
     * A copy with another number of passages per prompt.
     *
     * @param k passages per prompt
     * @return the copy
     */
    public KardSettings withPassages(int k) {
        return new KardSettings(prompt, k, Math.max(candidates, k), maxNewTokens);
    }

    /**
     * A copy with another generation length.
     *
     * @param n the most tokens generated
     * @return the copy
     */
    public KardSettings withMaxNewTokens(int n) {
        return new KardSettings(prompt, passages, candidates, n);
    }

    /**
     * A copy with another number of BM25 candidates for the reranker.
     *
     * @param n the candidates
     * @return the copy
     */
    public KardSettings withCandidates(int n) {
        return new KardSettings(prompt, passages, n, maxNewTokens);
    }
}
