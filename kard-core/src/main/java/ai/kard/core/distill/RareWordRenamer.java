package ai.kard.core.distill;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renaming augmentation for distillation: in a training example, rare words that the target copies from the
 * input (they occur in the target and in a passage or an option) are replaced, consistently across question,
 * options, passages and target, by fresh random pronounceable strings.
 *
 * <p>Why: a small student trained from scratch memorises the names it sees in training targets instead of
 * learning to copy them from the passage, and then cannot name an entity it has never seen. With the names
 * replaced by strings it cannot have memorised (in a share {@code probability} of the examples, 0.7 by
 * default), copying from the input is the only way to lower the loss. Nothing here knows the data set:
 * rarity is a {@link WordRarity} (by default: not a whole word of the bundled WordPiece vocabulary).
 *
 * <p>Words are maximal runs of letters and digits, matched case-insensitively; each occurrence keeps its
 * case pattern (lower, Capitalised, UPPER) and words with digits keep their letter/digit shape ("KRX7" ->
 * "TBL2"). The same random generator state gives the same result, so training stays reproducible.
 */
final class RareWordRenamer {
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");
    private static final String CONSONANTS = "bdfgklmnprstvz";
    private static final String VOWELS = "aeiou";

    private final double probability;
    private final WordRarity rarity;
    private final int minLength;

    private RareWordRenamer(Builder builder) {
        this.probability = builder.probability;
        this.rarity = builder.rarity;
        this.minLength = builder.minLength;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A renamed example; {@code renames} maps each original word (lower case) to its replacement. */
    public record Renamed(PromptInput input, String target, Map<String, String> renames) {
        public Renamed {
            Objects.requireNonNull(input, "input");
            Objects.requireNonNull(target, "target");
            renames = Map.copyOf(renames);
        }
    }

    /**
     * With probability {@link Builder#probability}, renames the example's copied rare words; otherwise (or when
     * there are none) returns it unchanged with no renames.
     */
    public Renamed apply(PromptInput input, String target, RandomGenerator random) {
        if (random.nextDouble() >= probability) {
            return new Renamed(input, target, Map.of());
        }
        Set<String> sources = new HashSet<>();
        Consumer<String> addSource = w -> sources.add(w.toLowerCase(Locale.ROOT));
        input.passages().forEach(p -> words(p, addSource));
        input.options().forEach(o -> words(o, addSource));

        Set<String> present = new HashSet<>(sources);
        words(input.question(), w -> present.add(w.toLowerCase(Locale.ROOT)));
        words(target, w -> present.add(w.toLowerCase(Locale.ROOT)));

        // In order of first appearance in the target, so the random draws are reproducible.
        Map<String, String> renames = new LinkedHashMap<>();
        List<String> targetWords = new ArrayList<>();
        words(target, targetWords::add);
        for (String word : targetWords) {
            String key = word.toLowerCase(Locale.ROOT);
            if (renames.containsKey(key) || !sources.contains(key) || !eligible(word)) {
                continue;
            }
            String fresh = fresh(key, random);
            // A fresh string should itself be rare, or the student could know it; give up on that after a
            // while (a strict custom rarity), never on uniqueness.
            for (int tries = 1; present.contains(fresh) || renames.containsValue(fresh)
                    || (tries < 100 && !rarity.isRare(fresh)); tries++) {
                fresh = fresh(key, random);
            }
            renames.put(key, fresh);
        }
        if (renames.isEmpty()) {
            return new Renamed(input, target, Map.of());
        }
        PromptInput renamed = new PromptInput(replace(input.question(), renames),
                input.options().stream().map(o -> replace(o, renames)).toList(),
                input.passages().stream().map(p -> replace(p, renames)).toList());
        return new Renamed(renamed, replace(target, renames), renames);
    }

    private boolean eligible(String word) {
        return word.length() >= minLength && word.chars().anyMatch(Character::isLetter) && rarity.isRare(word);
    }

    /** A pronounceable string as long as the word (at least 4), or the word's shape when it has digits. */
    private static String fresh(String word, RandomGenerator random) {
        StringBuilder out = new StringBuilder();
        if (word.chars().anyMatch(Character::isDigit)) {
            for (char c : word.toCharArray()) {
                out.append(Character.isDigit(c) ? (char) ('0' + random.nextInt(10))
                        : Character.isLetter(c) ? CONSONANTS.charAt(random.nextInt(CONSONANTS.length())) : c);
            }
            return out.toString();
        }
        int length = Math.max(4, word.length() + random.nextInt(3) - 1);
        boolean vowel = random.nextInt(3) == 0;
        while (out.length() < length) {
            String letters = vowel ? VOWELS : CONSONANTS;
            out.append(letters.charAt(random.nextInt(letters.length())));
            vowel = !vowel;
        }
        return out.toString();
    }

    private static String replace(String text, Map<String, String> renames) {
        Matcher m = WORD.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String word = m.group();
            String fresh = renames.get(word.toLowerCase(Locale.ROOT));
            m.appendReplacement(out, Matcher.quoteReplacement(fresh == null ? word : withCaseOf(word, fresh)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** {@code fresh} in the case pattern of {@code original}: UPPER, Capitalised or lower. */
    private static String withCaseOf(String original, String fresh) {
        boolean hasLetters = original.chars().anyMatch(Character::isLetter);
        if (hasLetters && original.chars().filter(Character::isLetter).allMatch(Character::isUpperCase)
                && original.chars().filter(Character::isLetter).count() > 1) {
            return fresh.toUpperCase(Locale.ROOT);
        }
        if (Character.isUpperCase(original.charAt(0))) {
            return Character.toUpperCase(fresh.charAt(0)) + fresh.substring(1);
        }
        return fresh;
    }

    /** Calls {@code sink} with every word (maximal run of letters and digits) of {@code text}. */
    static void words(String text, Consumer<String> sink) {
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            sink.accept(m.group());
        }
    }

    @Override
    public String toString() {
        return "RareWordRenamer(p=" + probability + ",minLength=" + minLength + ")";
    }

    /** Configures a {@link RareWordRenamer}. */
    public static final class Builder {
        private double probability = 0.7;
        private WordRarity rarity;
        private int minLength = 3;

        private Builder() {
        }

        /** Share of examples renamed, in [0, 1]; 0.7 by default. */
        public Builder probability(double p) {
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException("renaming probability " + p + " is outside [0, 1]");
            }
            this.probability = p;
            return this;
        }

        /** Which words count as rare; by default {@link WordRarity#notInBundledVocabulary()}. */
        public Builder rarity(WordRarity rarity) {
            this.rarity = Objects.requireNonNull(rarity, "rarity");
            return this;
        }

        /** Shorter words are never renamed; 3 by default. */
        public Builder minLength(int minLength) {
            if (minLength < 1) {
                throw new IllegalArgumentException("minimum word length " + minLength + " must be positive");
            }
            this.minLength = minLength;
            return this;
        }

        public RareWordRenamer build() {
            if (rarity == null) {
                rarity = WordRarity.notInBundledVocabulary();
            }
            return new RareWordRenamer(this);
        }
    }
}
