package ai.kard.retrieval;

import ai.kard.api.InvalidSettingException;

/**
 * BM25 parameters, validated as Lucene's {@code BM25Similarity} validates them. The defaults (k1 = 0.9, b = 0.4)
 * are Anserini's and Pyserini's.
 *
 * @param k1 term-frequency saturation, finite and non-negative
 * @param b  length normalisation, in [0, 1]
 */
public record Bm25Settings(float k1, float b) {
    /** k1 = 0.9, b = 0.4. */
    public static final Bm25Settings DEFAULT = new Bm25Settings(0.9f, 0.4f);

    /**
     * Validates k1 and b.
     *
     * @param k1 term-frequency saturation, finite and non-negative
     * @param b length normalisation, in [0, 1]
     */
    public Bm25Settings {
        if (!Float.isFinite(k1) || k1 < 0) {
            throw new InvalidSettingException("illegal k1 value: " + k1 + ", must be a non-negative finite value");
        }
        if (Float.isNaN(b) || b < 0 || b > 1) {
            throw new InvalidSettingException("illegal b value: " + b + ", must be between 0 and 1");
        }
    }

    @Override
    public String toString() {
        return "BM25(k1=" + k1 + ",b=" + b + ")";
    }
}
