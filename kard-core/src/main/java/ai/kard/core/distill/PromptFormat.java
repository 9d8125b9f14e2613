package ai.kard.core.distill;

import ai.kard.api.InvalidSettingException;
import ai.kard.core.internal.tokenizer.TextTokenizer;
import java.util.Objects;

/**
 * A {@link PromptTemplate} with the token budget of the student's input: the prompt that training and inference
 * both encode. Over budget, only passage words are cut (by the template), never the question, the options or the
 * closing cue.
 *
 * @param template  the prompt template
 * @param maxTokens token budget of the whole prompt
 */
public record PromptFormat(PromptTemplate template, int maxTokens) {
    /** The paper's input limit. */
    public static final int DEFAULT_MAX_TOKENS = 512;

    /**
     * Checks the template and the token budget (at least 16).
     *
     * @param template the prompt template
     * @param maxTokens token budget of the whole prompt
     */
    public PromptFormat {
        Objects.requireNonNull(template, "template");
        if (maxTokens < 16) {
            throw new InvalidSettingException("prompt token budget must be at least 16, got " + maxTokens);
        }
    }

    /**
     * The default template with a 512-token budget.
     *
     * @return the default prompt format
     */
    public static PromptFormat defaults() {
        return new PromptFormat(PromptTemplate.defaults(), DEFAULT_MAX_TOKENS);
    }

    /**
     * A copy with another prompt token budget.
     *
     * @param tokens the budget
     * @return the copy
     */
    public PromptFormat withMaxTokens(int tokens) {
        return new PromptFormat(template, tokens);
    }

    /** The prompt's token ids within the budget. */
    int[] encode(TextTokenizer tokenizer, PromptInput input) {
        String text = template.render(input, maxTokens, s -> tokenizer.encode(s).length).text();
        return tokenizer.encode(text);
    }
}
