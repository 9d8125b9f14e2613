package ai.kard.core.internal.generate;

import ai.kard.api.Decoding;
import java.util.Arrays;
import java.util.Random;

/**
 * Picks the next token from one row of logits: greedy (argmax, lowest id on ties) or sampling with temperature,
 * top-k and top-p (nucleus) as HF's warpers do (temperature first, then top-k, then top-p keeping at least one
 * token). Not thread-safe: one sampler per generation call, seeded, so results are reproducible.
 */
public final class TokenSampler {
    private final Decoding decoding;
    private final Random random;

    public TokenSampler(Decoding decoding, long streamSeed) {
        this.decoding = decoding;
        this.random = new Random(decoding.seed() * 0x9E3779B97F4A7C15L + streamSeed);
    }

    /** The next token for a row of logits over the vocabulary. */
    public int next(float[] logits) {
        return decoding.sample() ? sample(logits) : argmax(logits);
    }

    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    private int sample(float[] logits) {
        int n = logits.length;
        double temperature = decoding.temperature();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> logits[a] != logits[b] ? Float.compare(logits[b], logits[a]) : a - b);
        int keep = decoding.topK() > 0 ? Math.min(decoding.topK(), n) : n;
        double max = logits[order[0]] / temperature;
        double[] probs = new double[keep];
        double total = 0;
        for (int i = 0; i < keep; i++) {
            probs[i] = Math.exp(logits[order[i]] / temperature - max);
            total += probs[i];
        }
        // Nucleus: the smallest prefix whose mass reaches top-p (always at least one token).
        double cumulative = 0;
        int nucleus = keep;
        for (int i = 0; i < keep; i++) {
            cumulative += probs[i] / total;
            if (cumulative >= decoding.topP()) {
                nucleus = i + 1;
                break;
            }
        }
        double mass = 0;
        for (int i = 0; i < nucleus; i++) {
            mass += probs[i];
        }
        double r = random.nextDouble() * mass;
        for (int i = 0; i < nucleus; i++) {
            r -= probs[i];
            if (r <= 0) {
                return order[i];
            }
        }
        return order[nucleus - 1];
    }
}
