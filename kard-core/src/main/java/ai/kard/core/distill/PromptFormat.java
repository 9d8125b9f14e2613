package ai.kard.core.distill;

import ai.kard.api.Question;
import ai.kard.core.tokenizer.TextTokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The one prompt a student sees, at training and at inference alike (the reference code used different prompts
 * at train and test time: a bug). Placeholders: {@code {question}}, {@code {options}} (rendered
 * {@code A. .. B. ..}) and {@code {knowledge}} (the passages joined by a space; empty in RD mode). When the
 * prompt exceeds the token budget the passages are cut from the end, word by word; the question, the options and
 * the closing cue are never cut.
 *
 * @param template  text with the three placeholders, ending with the cue the student continues
 * @param maxTokens token budget of the whole prompt
 */
public record PromptFormat(String template, int maxTokens) {
    /** Close to the paper's input format, without its long preamble (tiny students pay for every token). */
    public static final String DEFAULT_TEMPLATE = "Question: {question}\n{options}\nKnowledge: {knowledge}\n"
            + "Explanation:";

    public PromptFormat {
        Objects.requireNonNull(template, "template");
        for (String placeholder : List.of("{question}", "{options}", "{knowledge}")) {
            if (!template.contains(placeholder)) {
                throw new IllegalArgumentException("prompt template lacks " + placeholder + ": \"" + template + "\"");
            }
        }
        if (maxTokens < 16) {
            throw new IllegalArgumentException("prompt token budget must be at least 16, got " + maxTokens);
        }
    }

    /** The default template with a 512-token budget (the paper's input limit). */
    public static PromptFormat defaults() {
        return new PromptFormat(DEFAULT_TEMPLATE, 512);
    }

    public PromptFormat withMaxTokens(int tokens) {
        return new PromptFormat(template, tokens);
    }

    /** The prompt text with all passages, untruncated. */
    public String render(Question question, List<String> passages) {
        StringBuilder options = new StringBuilder();
        for (int i = 0; i < question.options().size(); i++) {
            if (i > 0) {
                options.append(' ');
            }
            options.append(Question.letter(i)).append(". ").append(question.options().get(i));
        }
        return template.replace("{question}", question.text().strip())
                .replace("{options}", options)
                .replace("{knowledge}", String.join(" ", passages).strip());
    }

    /** The prompt's token ids within the budget, cutting passages only. */
    public int[] encode(TextTokenizer tokenizer, Question question, List<String> passages) {
        int[] full = tokenizer.encode(render(question, passages));
        if (full.length <= maxTokens || passages.isEmpty()) {
            return full;
        }
        List<String[]> words = passages.stream().map(p -> p.strip().split("\\s+")).toList();
        int total = words.stream().mapToInt(w -> w.length).sum();
        // Largest word count whose prompt fits: a binary search costs about log2(words) tokenizer calls.
        int lo = 0;
        int hi = total;
        int[] best = tokenizer.encode(render(question, List.of()));
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            int[] ids = tokenizer.encode(render(question, firstWords(words, mid)));
            if (ids.length <= maxTokens) {
                lo = mid;
                best = ids;
            } else {
                hi = mid - 1;
            }
        }
        return best;
    }

    private static List<String> firstWords(List<String[]> passages, int count) {
        List<String> out = new ArrayList<>();
        int left = count;
        for (String[] words : passages) {
            if (left <= 0) {
                break;
            }
            int take = Math.min(left, words.length);
            out.add(String.join(" ", Arrays.copyOf(words, take)));
            left -= take;
        }
        return out;
    }
}
