package ai.kard.api;

/**
 * How a student decodes.
 *
 * @param maxNewTokens upper bound on generated tokens
 * @param sample       false for greedy decoding
 * @param temperature  sampling temperature (> 0), ignored when greedy
 * @param topK         keep the k most likely tokens when sampling; 0 disables
 * @param topP         nucleus mass when sampling, in (0, 1]
 * @param seed         random seed for sampling
 */
public record Decoding(int maxNewTokens, boolean sample, double temperature, int topK, double topP, long seed) {
    public Decoding {
        if (maxNewTokens <= 0) {
            throw new InvalidSettingException("maxNewTokens must be positive, got " + maxNewTokens);
        }
        if (!(temperature > 0)) {
            throw new InvalidSettingException("temperature must be > 0, got " + temperature);
        }
        if (topK < 0) {
            throw new InvalidSettingException("topK must be >= 0, got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new InvalidSettingException("topP must be in (0, 1], got " + topP);
        }
    }

    /** Greedy decoding of at most {@code maxNewTokens} tokens. */
    public static Decoding greedy(int maxNewTokens) {
        return new Decoding(maxNewTokens, false, 1.0, 0, 1.0, 0L);
    }

    /** Sampling as in self-consistency: top-k 50, top-p 0.95, temperature 1. */
    public static Decoding sampling(int maxNewTokens, long seed) {
        return new Decoding(maxNewTokens, true, 1.0, 50, 0.95, seed);
    }
}
