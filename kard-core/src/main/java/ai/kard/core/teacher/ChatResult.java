package ai.kard.core.teacher;

import java.util.List;

/**
 * The useful part of one chat-completions response.
 *
 * @param choices          the generated texts with their finish reasons, in order
 * @param promptTokens     usage.prompt_tokens (0 when the server does not report usage)
 * @param completionTokens usage.completion_tokens (0 when not reported)
 */
record ChatResult(List<Choice> choices, long promptTokens, long completionTokens) {
    public ChatResult {
        choices = List.copyOf(choices);
    }

    /** One generated message. */
    public record Choice(String text, String finishReason) {
    }
}
