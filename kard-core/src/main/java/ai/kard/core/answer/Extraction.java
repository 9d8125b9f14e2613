package ai.kard.core.answer;

/**
 * The option an {@link AnswerExtractor} found in a text, and the rule that found it.
 *
 * @param option the chosen option's index, or null when no answer could be extracted
 * @param rule   the rule that matched ({@link Rule#NONE} when nothing did)
 */
public record Extraction(Integer option, Rule rule) {
    /** Which rule produced an extraction, from the most to the least explicit. */
    public enum Rule {
        /** A line {@code Answer: C} / {@code Answer: (C) text} / {@code Answer: option text}. */
        ANSWER_LINE,
        /** {@code the answer is (C)}, {@code the correct option is C}, {@code the answer is yes}. */
        ANSWER_PHRASE,
        /** {@code Option (D) is correct}, {@code (B) is the best answer}. */
        VERDICT,
        /** A last line {@code C.} / {@code (C)}, or a text ending with {@code (C)}. */
        FINAL_LETTER,
        /** Every option but one was called incorrect ({@code Option (A) is incorrect ...}). */
        ELIMINATION,
        /** The last option whose text the rationale mentions without rejecting it. */
        OPTION_TEXT,
        /** No rule matched. */
        NONE
    }

    /**
     * Checks that an option is given exactly when a rule found one.
     *
     * @param option the chosen option's index, or null when no answer could be extracted
     * @param rule the rule that matched ({@link Rule#NONE} when nothing did)
     */
    public Extraction {
        if ((option == null) != (rule == Rule.NONE)) {
            throw new IllegalArgumentException("option " + option + " does not fit rule " + rule);
        }
    }

    static Extraction none() {
        return new Extraction(null, Rule.NONE);
    }

    /**
     * True when an option was extracted.
     *
     * @return whether an option was found
     */
    public boolean found() {
        return option != null;
    }
}
