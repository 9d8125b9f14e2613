package ai.kard.retrieval.internal;

import java.util.Random;

/** Random test text whose word frequencies follow a Zipf-like law: a few terms in most documents, most in few. */
final class ZipfText {
    private ZipfText() {
    }

    /**
     * {@code words} words drawn from a vocabulary of {@code vocabulary} distinct terms, rank r with probability
     * falling off as 1/r (the rank is {@code vocabulary^u} for a uniform u).
     */
    static String words(Random random, int vocabulary, int words) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words; i++) {
            int rank = (int) Math.floor(Math.pow(vocabulary, random.nextDouble()));
            sb.append(i == 0 ? "" : " ").append("w").append(Integer.toString(rank, 26).replace('0', 'q')).append('x');
        }
        return sb.toString();
    }
}
