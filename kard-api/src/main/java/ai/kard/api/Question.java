package ai.kard.api;

import java.util.List;
import java.util.Objects;

/**
 * A multiple-choice question.
 *
 * @param id      unique identifier within its data set
 * @param text    the question stem
 * @param options the answer options, in order; option {@code i} has the letter {@code 'A' + i}
 * @param answer  index of the gold option, or {@code null} when unknown (unlabelled data)
 */
public record Question(String id, String text, List<String> options, Integer answer) {
    /**
     * Checks the fields and copies the options.
     *
     * @param id      see the record's description
     * @param text    see the record's description
     * @param options see the record's description
     * @param answer  see the record's description
     * @throws InvalidSettingException with fewer than 2 or more than 26 options, or an answer index out of range
     */
    public Question {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(text, "text");
        options = List.copyOf(Objects.requireNonNull(options, "options"));
        if (options.size() < 2) {
            throw new InvalidSettingException("question " + id + " has " + options.size()
                    + " options; at least 2 are needed");
        }
        if (options.size() > 26) {
            throw new InvalidSettingException("question " + id + " has " + options.size()
                    + " options; at most 26 (A..Z) are supported");
        }
        if (answer != null && (answer < 0 || answer >= options.size())) {
            throw new InvalidSettingException("question " + id + ": answer index " + answer
                    + " is outside 0.." + (options.size() - 1));
        }
    }

    /**
     * The letter of an option.
     *
     * @param index 0-based option index
     * @return its letter: 0 is 'A'
     */
    public static char letter(int index) {
        return (char) ('A' + index);
    }

    /**
     * The gold option's letter.
     *
     * @return the letter, or {@code null} when the answer is unknown
     */
    public Character answerLetter() {
        return answer == null ? null : letter(answer);
    }

    /**
     * The gold option's text.
     *
     * @return the text, or {@code null} when the answer is unknown
     */
    public String answerText() {
        return answer == null ? null : options.get(answer);
    }
}
