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
    /**
     * Checks the settings.
     *
     * @param maxNewTokens see the record's description
     * @param sample       see the record's description
     * @param temperature  see the record's description
     * @param topK         see the record's description
     * @param topP         see the record's description
     * @param seed         see the record's description
     * @throws InvalidSettingException naming the value out of range
     */
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

    /**
     * Greedy decoding.
     *
     * @param maxNewTokens upper bound on generated tokens
     * @return greedy decoding settings
     */
    public static Decoding greedy(int maxNewTokens) {
        return new Decoding(maxNewTokens, false, 1.0, 0, 1.0, 0L);
    }

    /**
     * Sampling as in self-consistency: top-k 50, top-p 0.95, temperature 1.
     *
     * @param maxNewTokens upper bound on generated tokens
     * @param seed         random seed, so the same seed samples the same tokens
     * @return sampling decoding settings
     */
    public static Decoding sampling(int maxNewTokens, long seed) {
        return new Decoding(maxNewTokens, true, 1.0, 50, 0.95, seed);
    }
}
