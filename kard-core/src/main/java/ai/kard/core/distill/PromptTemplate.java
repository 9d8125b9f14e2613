package ai.kard.core.distill;

import ai.kard.api.Question;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToIntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The student's prompt, one template used identically for training and inference (the reference code used
 * different prompts at train and test time).
 *
 * <p>{@code template} holds {@code {question}}, {@code {options}} (rendered {@code A. .. B. ..}) and
 * {@code {knowledge}}; {@code knowledge} is the section that replaces {@code {knowledge}} when there are
 * passages and holds {@code {passages}} (joined with {@code passageSeparator}). Without passages (RD mode, or
 * all cut by the budget) the knowledge section disappears. Placeholders are filled in one pass, so braces in
 * a question or passage are left alone. When a prompt exceeds its token budget, only passage words are cut,
 * from the end of the last passage backwards; the question, options and closing cue are kept whole.
 *
 * @param template         the whole prompt, with {@code {question}}, {@code {options}}, {@code {knowledge}}
 * @param knowledge        the knowledge section, with {@code {passages}}
 * @param passageSeparator what goes between two passages
 */
record PromptTemplate(String template, String knowledge, String passageSeparator) {
    /** Short on purpose: small students gain nothing from the paper's long instruction, and it costs tokens. */
    public static final String DEFAULT_TEMPLATE =
            "Answer with an explanation.\nQuestion: {question}\n{options}\n{knowledge}Explanation:";
    public static final String DEFAULT_KNOWLEDGE = "Knowledge: {passages}\n";
    public static final String DEFAULT_PASSAGE_SEPARATOR = "\n";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(question|options|knowledge|passages)}");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    public PromptTemplate {
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(knowledge, "knowledge");
        Objects.requireNonNull(passageSeparator, "passageSeparator");
        for (String name : List.of("question", "options", "knowledge")) {
            requireOnce(template, name, "template");
        }
        requireOnce(knowledge, "passages", "knowledge section");
        if (count(template, "passages") > 0 || count(knowledge, "question") + count(knowledge, "options")
                + count(knowledge, "knowledge") > 0) {
            throw new IllegalArgumentException("{passages} belongs in the knowledge section and {question},"
                    + " {options}, {knowledge} in the template; got template \"" + template
                    + "\", knowledge \"" + knowledge + "\"");
        }
    }

    /** The default template, close to the paper's but with a one-line instruction. */
    public static PromptTemplate defaults() {
        return new PromptTemplate(DEFAULT_TEMPLATE, DEFAULT_KNOWLEDGE, DEFAULT_PASSAGE_SEPARATOR);
    }

    /** {@code template} with the default knowledge section and separator. */
    public static PromptTemplate of(String template) {
        return new PromptTemplate(template, DEFAULT_KNOWLEDGE, DEFAULT_PASSAGE_SEPARATOR);
    }

    /** Options as {@code A. first B. second ...}. */
    public static String options(List<String> options) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < options.size(); i++) {
            if (i > 0) {
                text.append(' ');
            }
            text.append(Question.letter(i)).append(". ").append(options.get(i));
        }
        return text.toString();
    }

    /** The full prompt, no budget. */
    public String render(PromptInput input) {
        return fill(input, input.passages());
    }

    /**
     * The prompt within {@code maxTokens} as counted by {@code tokenCounter} (e.g. the student tokenizer's
     * encoded length, special tokens included). Cuts passage words from the end of the last passage first;
     * the counter is called O(log words) times.
     */
    public RenderedPrompt render(PromptInput input, int maxTokens, ToIntFunction<String> tokenCounter) {
        if (maxTokens < 1) {
            throw new IllegalArgumentException("token budget " + maxTokens + " must be positive");
        }
        String full = render(input);
        int fullTokens = tokenCounter.applyAsInt(full);
        if (fullTokens <= maxTokens) {
            return new RenderedPrompt(full, fullTokens, 0, false);
        }
        List<String[]> words = new ArrayList<>();
        int total = 0;
        for (String passage : input.passages()) {
            String stripped = passage.strip();
            String[] split = stripped.isEmpty() ? new String[0] : WHITESPACE.split(stripped);
            words.add(split);
            total += split.length;
        }
        // Largest number of leading passage words that fits; fewer words never need more tokens.
        int lo = 0;
        int hi = total - 1;
        String best = fill(input, keep(words, 0));
        int bestTokens = tokenCounter.applyAsInt(best);
        if (bestTokens > maxTokens) {
            return new RenderedPrompt(best, bestTokens, total, true);
        }
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            String text = fill(input, keep(words, mid));
            int tokens = tokenCounter.applyAsInt(text);
            if (tokens <= maxTokens) {
                lo = mid;
                best = text;
                bestTokens = tokens;
            } else {
                hi = mid - 1;
            }
        }
        return new RenderedPrompt(best, bestTokens, total - lo, false);
    }

    /** The first {@code count} words of the passages, in order; passages left with no word are dropped. */
    private static List<String> keep(List<String[]> words, int count) {
        List<String> kept = new ArrayList<>();
        int left = count;
        for (String[] passage : words) {
            if (left <= 0) {
                break;
            }
            int n = Math.min(left, passage.length);
            if (n > 0) {
                kept.add(String.join(" ", java.util.Arrays.copyOf(passage, n)));
            }
            left -= n;
        }
        return kept;
    }

    private String fill(PromptInput input, List<String> passages) {
        List<String> present = passages.stream().filter(p -> !p.isBlank()).toList();
        String knowledgeText = present.isEmpty() ? ""
                : substitute(knowledge, Map.of("passages", String.join(passageSeparator, present)));
        return substitute(template, Map.of("question", input.question(), "options", options(input.options()),
                "knowledge", knowledgeText));
    }

    private static String substitute(String pattern, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(pattern);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(values.getOrDefault(m.group(1), m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static void requireOnce(String text, String name, String what) {
        int n = count(text, name);
        if (n != 1) {
            throw new IllegalArgumentException("the " + what + " must contain {" + name + "} exactly once, found "
                    + n + " in \"" + text + "\"");
        }
    }

    private static int count(String text, String name) {
        String token = "{" + name + "}";
        int n = 0;
        for (int i = text.indexOf(token); i >= 0; i = text.indexOf(token, i + 1)) {
            n++;
        }
        return n;
    }

    @Override
    public String toString() {
        return "PromptTemplate(template=\"" + template.replace("\n", "\\n") + "\",knowledge=\""
                + knowledge.replace("\n", "\\n") + "\",separator=\"" + passageSeparator.replace("\n", "\\n")
                + "\")";
    }
}
