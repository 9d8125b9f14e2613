package ai.kard.core.distill;

import ai.kard.api.Passage;
import ai.kard.api.Question;
import ai.kard.core.tokenizer.TextTokenizer;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renaming augmentation, generic rather than tied to one data set: with probability {@code probability} an
 * example's rare words (not one token of the vocabulary) that occur both in its target and in its prompt
 * (passages, question or options) are replaced by fresh random names, consistently across prompt and target.
 * A from-scratch student cannot memorise a name it sees once, so it learns to copy names from the prompt; on
 * plain data it memorises training names and fails on unseen ones.
 */
public final class RareNameRenaming implements ExampleAugmenter {
    private static final Pattern WORD = Pattern.compile("\\b[A-Za-z][A-Za-z0-9-]{3,}\\b");
    private static final String CONSONANTS = "bdfgklmnprstvz";
    private static final String VOWELS = "aeiou";

    private final TextTokenizer tokenizer;
    private final double probability;
    private final Map<String, Boolean> rare = new java.util.concurrent.ConcurrentHashMap<>();

    public RareNameRenaming(TextTokenizer tokenizer, double probability) {
        this.tokenizer = java.util.Objects.requireNonNull(tokenizer, "tokenizer");
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("rename probability must be in [0, 1], got " + probability);
        }
        this.probability = probability;
    }

    @Override
    public DistillationExample augment(DistillationExample example, Random random) {
        if (probability == 0 || random.nextDouble() >= probability) {
            return example;
        }
        Question q = example.question();
        StringBuilder prompt = new StringBuilder(q.text());
        q.options().forEach(o -> prompt.append(' ').append(o));
        example.passages().forEach(p -> prompt.append(' ').append(p.contents()));
        Set<String> inPrompt = words(prompt.toString());
        Map<String, String> names = new HashMap<>();
        for (String word : words(example.target())) {
            if (inPrompt.contains(word) && isRare(word)) {
                names.put(word, freshName(word.length(), random));
            }
        }
        if (names.isEmpty()) {
            return example;
        }
        Question renamed = new Question(q.id(), rename(q.text(), names),
                q.options().stream().map(o -> rename(o, names)).toList(), q.answer());
        List<Passage> passages = example.passages().stream()
                .map(p -> new Passage(p.id(), rename(p.title(), names), rename(p.text(), names))).toList();
        return new DistillationExample(renamed, passages, rename(example.target(), names));
    }

    /** True when the lower-cased word is not a single token of the vocabulary. */
    boolean isRare(String lowerWord) {
        return rare.computeIfAbsent(lowerWord, w -> tokenizer.tokenId(w).isEmpty());
    }

    private static Set<String> words(String text) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = WORD.matcher(text);
        while (m.find()) {
            out.add(m.group().toLowerCase(Locale.ROOT));
        }
        return out;
    }

    private static String rename(String text, Map<String, String> names) {
        Matcher m = WORD.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String word = m.group();
            String name = names.get(word.toLowerCase(Locale.ROOT));
            if (name != null && Character.isUpperCase(word.charAt(0))) {
                name = Character.toUpperCase(name.charAt(0)) + name.substring(1);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(name == null ? word : name));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** A pronounceable random name of about {@code length} letters (consonant-vowel syllables). */
    static String freshName(int length, Random random) {
        StringBuilder name = new StringBuilder();
        int target = Math.max(5, Math.min(12, length));
        while (name.length() < target) {
            name.append(CONSONANTS.charAt(random.nextInt(CONSONANTS.length())));
            name.append(VOWELS.charAt(random.nextInt(VOWELS.length())));
        }
        return name.toString();
    }
}
