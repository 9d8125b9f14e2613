package ai.kard.core.internal.model.t5;

/**
 * T5's relative position buckets (HF {@code T5Attention._relative_position_bucket}): half the buckets exact,
 * half logarithmic up to {@code maxDistance}; the encoder splits them by direction, the decoder only looks back.
 */
public final class T5RelativePosition {
    private T5RelativePosition() {
    }

    /** The bucket of {@code relative = keyPosition - queryPosition}. */
    public static int bucket(int relative, boolean bidirectional, int numBuckets, int maxDistance) {
        int bucket = 0;
        int nb = numBuckets;
        int n;
        if (bidirectional) {
            nb /= 2;
            if (relative > 0) {
                bucket += nb;
            }
            n = Math.abs(relative);
        } else {
            n = Math.max(-relative, 0);
        }
        int maxExact = nb / 2;
        if (n < maxExact) {
            return bucket + n;
        }
        // HF evaluates this in float32 and truncates toward zero.
        float scaled = (float) (Math.log((float) n / maxExact) / Math.log((float) maxDistance / maxExact))
                * (nb - maxExact);
        return bucket + Math.min(maxExact + (int) scaled, nb - 1);
    }

    /**
     * Buckets for queries at positions {@code queryStart .. queryStart+queries-1} against keys
     * {@code 0 .. keys-1}, row-major {@code [query][key]}.
     */
    public static long[] table(int queryStart, int queries, int keys, boolean bidirectional, int numBuckets,
                               int maxDistance) {
        long[] table = new long[queries * keys];
        // Buckets depend only on key - query: compute each distinct offset once.
        int minRel = -(queryStart + queries - 1);
        int maxRel = keys - 1 - queryStart;
        int[] byOffset = new int[maxRel - minRel + 1];
        for (int rel = minRel; rel <= maxRel; rel++) {
            byOffset[rel - minRel] = bucket(rel, bidirectional, numBuckets, maxDistance);
        }
        for (int q = 0; q < queries; q++) {
            for (int k = 0; k < keys; k++) {
                table[q * keys + k] = byOffset[k - (queryStart + q) - minRel];
            }
        }
        return table;
    }
}
