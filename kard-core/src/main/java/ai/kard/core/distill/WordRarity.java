package ai.kard.core.distill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * Decides which words are rare enough to rename (see {@link RareWordRenamer}): names a model cannot know and
 * has to copy from its input. Words reach it as maximal runs of letters and digits, in their original case.
 */
@FunctionalInterface
interface WordRarity {
    /** Classpath location of the bundled bert-base-uncased WordPiece tokenizer. */
    String BUNDLED_TOKENIZER = "/ai/kard/core/internal/tokenizer/bert-base-uncased-wordpiece.json";

    boolean isRare(String word);

    default WordRarity and(WordRarity other) {
        return word -> isRare(word) && other.isRare(word);
    }

    default WordRarity or(WordRarity other) {
        return word -> isRare(word) || other.isRare(word);
    }

    /** Rare when the lower-cased word is not in {@code commonWords} (lower case). */
    static WordRarity notIn(Set<String> commonWords) {
        Set<String> common = Set.copyOf(commonWords);
        return word -> !common.contains(word.toLowerCase(Locale.ROOT));
    }

    /** Rare when a subword tokenizer splits the word into at least {@code minPieces} pieces. */
    static WordRarity splitInto(ToIntFunction<String> pieces, int minPieces) {
        if (minPieces < 2) {
            throw new IllegalArgumentException("minPieces " + minPieces + " must be at least 2");
        }
        return word -> pieces.applyAsInt(word) >= minPieces;
    }

    /**
     * Rare when the word (case-insensitive) occurs in at most {@code maxFraction} of {@code texts}, e.g. the
     * training targets: facts about one entity are rare, the domain's vocabulary is not.
     */
    static WordRarity rareIn(Iterable<String> texts, double maxFraction) {
        if (!(maxFraction >= 0 && maxFraction <= 1)) {
            throw new IllegalArgumentException("maxFraction " + maxFraction + " is outside [0, 1]");
        }
        Map<String, Integer> documentFrequency = new HashMap<>();
        int documents = 0;
        for (String text : texts) {
            documents++;
            Set<String> seen = new HashSet<>();
            RareWordRenamer.words(text, w -> seen.add(w.toLowerCase(Locale.ROOT)));
            seen.forEach(w -> documentFrequency.merge(w, 1, Integer::sum));
        }
        double limit = maxFraction * documents;
        Map<String, Integer> frozen = Map.copyOf(documentFrequency);
        return word -> frozen.getOrDefault(word.toLowerCase(Locale.ROOT), 0) <= limit;
    }

    /**
     * Rare when the word is not a whole word of the bundled bert-base-uncased WordPiece vocabulary (about
     * 20,000 common English words): invented names, most technical terms, codes like "KRX7".
     */
    static WordRarity notInBundledVocabulary() {
        return BundledVocabulary.RARITY;
    }

    /**
     * Names, not domain vocabulary: not a whole word of the bundled vocabulary AND in at most 1% of
     * {@code trainingTargets}. On the demo benchmark this renames the invented disease, drug and gene names and
     * leaves the technical terms that recur across entities ("hepatic", "pyrexia") alone, so the student can
     * still learn what they mean.
     */
    static WordRarity namesIn(Iterable<String> trainingTargets) {
        return notInBundledVocabulary().and(rareIn(trainingTargets, 0.01));
    }

    /** Loads the bundled vocabulary once. */
    final class BundledVocabulary {
        private static final WordRarity RARITY = notIn(load());

        private BundledVocabulary() {
        }

        private static Set<String> load() {
            try (InputStream in = WordRarity.class.getResourceAsStream(BUNDLED_TOKENIZER)) {
                if (in == null) {
                    throw new IllegalStateException("the bundled tokenizer " + BUNDLED_TOKENIZER
                            + " is missing from the classpath");
                }
                JsonNode vocab = new ObjectMapper().readTree(in).path("model").path("vocab");
                Set<String> words = new HashSet<>();
                for (Iterator<String> it = vocab.fieldNames(); it.hasNext(); ) {
                    String piece = it.next();
                    if (!piece.startsWith("##") && !piece.startsWith("[") && piece.chars().allMatch(Character::isLetter)) {
                        words.add(piece);
                    }
                }
                return words;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the bundled tokenizer " + BUNDLED_TOKENIZER, e);
            }
        }
    }
}
