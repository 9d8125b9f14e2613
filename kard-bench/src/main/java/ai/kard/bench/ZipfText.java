package ai.kard.bench;

import java.util.Arrays;
import java.util.Random;

/**
 * Synthetic text for the retrieval benchmarks: words drawn from a Zipfian (s = 1) vocabulary of
 * {@value #VOCABULARY} pronounceable words, so a few terms are in most passages and most terms in few, as in real
 * corpora. One instance builds the cumulative distribution once; {@link #text} is safe from one thread at a time
 * per {@link Random}.
 */
final class ZipfText {
    static final int VOCABULARY = 100_000;

    private final double[] cumulative = new double[VOCABULARY];
    private final String[] words = new String[VOCABULARY];

    ZipfText() {
        double sum = 0;
        for (int i = 0; i < VOCABULARY; i++) {
            sum += 1.0 / (i + 1);
            cumulative[i] = sum;
            words[i] = word(i);
        }
        for (int i = 0; i < VOCABULARY; i++) {
            cumulative[i] /= sum;
        }
    }

    /** A pronounceable word per rank, never an English stop word (all end in 'x'). */
    private static String word(int rank) {
        String consonants = "bdfgklmnprstvz";
        String vowels = "aeiou";
        StringBuilder w = new StringBuilder();
        int x = rank;
        do {
            w.append(consonants.charAt(x % 14)).append(vowels.charAt((x / 14) % 5));
            x /= 70;
        } while (x > 0);
        return w.append('x').toString();
    }

    /** {@code n} words, space-separated, drawn independently from the vocabulary's distribution. */
    String text(Random random, int n) {
        StringBuilder sb = new StringBuilder(n * 8);
        for (int i = 0; i < n; i++) {
            int idx = Arrays.binarySearch(cumulative, random.nextDouble());
            sb.append(i == 0 ? "" : " ").append(words[idx < 0 ? Math.min(-idx - 1, VOCABULARY - 1) : idx]);
        }
        return sb.toString();
    }
}
