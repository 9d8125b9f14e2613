package ai.kard.examples.demo.internal;

import java.util.HashSet;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Invents pronounceable words that are unique across one benchmark. Words come from consonant-vowel
 * syllables, so a subword tokenizer splits them into several pieces, as it would a rare real name.
 */
public final class WordForge {
    private static final String[] ONSETS = {"b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v",
        "z", "br", "dr", "gr", "kl", "pl", "st", "tr", "sk", "th", "sh"};
    private static final String[] VOWELS = {"a", "e", "i", "o", "u", "a", "o", "ai", "ou", "ea"};
    private static final String[] CODAS = {"", "", "", "n", "r", "l", "s", "x", "k", "m", "t"};
    private static final String[] DRUG_SUFFIXES = {"vine", "mab", "zole", "pril", "statin", "cillin", "mycin",
        "dronate", "tide", "xane", "lukast", "parin", "setron", "tinib"};
    private static final String LETTERS = "BCDFGHKLMNPRSTVXZ";

    private final Random random;
    private final Set<String> used = new HashSet<>();

    /**
     * @param random the benchmark's generator
     * @param reserved words that must never be produced (lower case), e.g. the templates' words
     */
    public WordForge(Random random, Set<String> reserved) {
        this.random = random;
        reserved.forEach(w -> used.add(w.toLowerCase(Locale.ROOT)));
    }

    /** A capitalised name of {@code syllables} syllables, e.g. "Zorblat". */
    public String name(int syllables) {
        while (true) {
            String word = syllables(syllables);
            if (word.length() >= 5 && claim(word)) {
                return Character.toUpperCase(word.charAt(0)) + word.substring(1);
            }
        }
    }

    /** A lower-case drug name, e.g. "zoravine". */
    public String drug() {
        while (true) {
            String word = syllables(random.nextInt(3) == 0 ? 2 : 1) + DRUG_SUFFIXES[random.nextInt(DRUG_SUFFIXES.length)];
            if (claim(word)) {
                return word;
            }
        }
    }

    /** A gene symbol of three letters and a digit, e.g. "KRX7". */
    public String gene() {
        while (true) {
            StringBuilder symbol = new StringBuilder();
            for (int i = 0; i < 3; i++) {
                symbol.append(LETTERS.charAt(random.nextInt(LETTERS.length())));
            }
            symbol.append(1 + random.nextInt(9));
            if (claim(symbol.toString())) {
                return symbol.toString();
            }
        }
    }

    private String syllables(int count) {
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < count; i++) {
            word.append(ONSETS[random.nextInt(ONSETS.length)]).append(VOWELS[random.nextInt(VOWELS.length)]);
            if (i == count - 1 || random.nextBoolean()) {
                word.append(CODAS[random.nextInt(CODAS.length)]);
            }
        }
        return word.toString();
    }

    private boolean claim(String word) {
        return used.add(word.toLowerCase(Locale.ROOT));
    }
}
