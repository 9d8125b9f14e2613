package ai.kard.core.answer;

import ai.kard.api.Question;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The training target for one kept rationale: the rationale followed by {@code \nAnswer: X}. A rationale that
 * already ends with an answer line for X gets that line rewritten to the canonical {@code Answer: X}, so every
 * target ends the same way and the student learns one answer format.
 */
public final class TargetFormatter {
    private static final Pattern ANSWER_LINE_START = Pattern.compile("^[\\s*#>_-]*(?i:(?:the\\s+)?(?:final|correct)?\\s*answer)[\\s*_]*[:：].*");

    private TargetFormatter() {
    }

    /**
     * The canonical answer line for option {@code index}.
     *
     * @param index the 0-based option index
     * @return the line, {@code Answer: X}
     */
    public static String answerLine(int index) {
        return "Answer: " + Question.letter(index);
    }

    /**
     * {@code rationale + "\nAnswer: X"}; when the rationale's last line is already an answer line it must name
     * X (else IllegalArgumentException: a rationale for another answer must not become a target) and is replaced.
     *
     * @param rationale the rationale text
     * @param answer the 0-based index of the gold option
     * @param options the question's options
     * @return the training target
     */
    public static String format(String rationale, int answer, List<String> options) {
        if (answer < 0 || answer >= options.size()) {
            throw new IllegalArgumentException("answer index " + answer + " is outside 0.." + (options.size() - 1));
        }
        String body = rationale == null ? "" : rationale.strip();
        int cut = body.lastIndexOf('\n');
        String last = body.substring(cut + 1);
        if (ANSWER_LINE_START.matcher(last).matches()) {
            Extraction e = AnswerExtractor.extract(last, options);
            if (e.found() && e.option() != answer) {
                throw new IllegalArgumentException("rationale ends with an answer line for "
                        + Question.letter(e.option()) + ", not " + Question.letter(answer) + ": \"" + last + "\"");
            }
            if (e.found()) {
                body = cut < 0 ? "" : body.substring(0, cut).strip();
            }
        }
        return body.isEmpty() ? answerLine(answer) : body + "\n" + answerLine(answer);
    }
}
