package ai.kard.core.internal.model.common;

import java.util.Set;

/**
 * Knobs of one generation call beyond {@link ai.kard.api.Decoding}.
 *
 * @param useCache       reuse keys/values of earlier steps (false re-runs the whole sequence every step; same tokens)
 * @param keepStepLogits return every step's logits (for parity tests; costs {@code steps x vocab} floats per row)
 * @param stopTokenIds   extra ids that end a row besides the model's eos
 */
public record DecodeOptions(boolean useCache, boolean keepStepLogits, Set<Integer> stopTokenIds) {
    public DecodeOptions {
        stopTokenIds = Set.copyOf(stopTokenIds);
    }

    /** Cached decoding stopping on eos only. */
    public static DecodeOptions defaults() {
        return new DecodeOptions(true, false, Set.of());
    }

    public DecodeOptions withCache(boolean cache) {
        return new DecodeOptions(cache, keepStepLogits, stopTokenIds);
    }

    public DecodeOptions withStepLogits(boolean keep) {
        return new DecodeOptions(useCache, keep, stopTokenIds);
    }

    public DecodeOptions withStopTokens(Set<Integer> ids) {
        return new DecodeOptions(useCache, keepStepLogits, ids);
    }
}
