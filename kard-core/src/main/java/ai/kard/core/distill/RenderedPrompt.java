package ai.kard.core.distill;

/**
 * A prompt rendered within a token budget.
 *
 * @param text         the prompt
 * @param tokens       its length according to the token counter it was rendered with
 * @param droppedWords passage words cut to fit the budget (0 when everything fit)
 * @param overBudget   true when even without passages the prompt exceeds the budget; the question, options and
 *                     closing cue are never cut, so the caller decides (the tokenizer's truncation applies)
 */
record RenderedPrompt(String text, int tokens, int droppedWords, boolean overBudget) {
}
