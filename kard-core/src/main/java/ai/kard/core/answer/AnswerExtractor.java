package ai.kard.core.answer;

import ai.kard.core.answer.Extraction.Rule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the option a generated rationale chose. Rules, from the most explicit to the least (the first that
 * matches wins; within a rule the LAST match in the text wins, since rationales conclude at the end):
 * <ol>
 *   <li>an answer line {@code Answer: C}, {@code Answer: (C) text}, {@code Answer: option text};</li>
 *   <li>an answer phrase ({@code the answer is (C)}, {@code correct option is C}, {@code the answer is no}) or a
 *       verdict ({@code Option (D) is correct}), whichever comes last;</li>
 *   <li>a final letter: a last line {@code C.} / {@code (C)}, or a text ending in {@code (C)};</li>
 *   <li>elimination: every option but one was rejected ({@code Option (A) is incorrect ...});</li>
 *   <li>option text: the last option mentioned and not rejected; where option texts overlap the longest
 *       mention counts. Options too generic to spot in running text (yes, no, ...) only count in rules 1-2.</li>
 * </ol>
 * One exception to the order: a bare answer-line letter that contradicts the option named word for word right after
 * the last {@code the answer is} loses to that option ("so the answer is zoravine.\nAnswer: D" with zoravine as
 * option B is B). Small students copy a name out of the prompt long before they learn which letter it stands
 * under, so the name is what they reasoned to.
 * Bare capital letters count only where they cannot be an article or a word: after {@code answer is},
 * {@code option}, inside parentheses or alone on a line, so "A patient presents ..." is never option A.
 * Thread-safe and stateless.
 */
public final class AnswerExtractor {
    private static final String JOIN = "\\s*(?:,\\s*and|,\\s*or|,|and|or|&)\\s*(?i:options?\\s+|choices?\\s+)?";
    private static final Pattern ANSWER_LINE = Pattern.compile(
            "^[\\s*#>_-]*(?i:(?:the\\s+)?(?:final|correct)?\\s*answer)[\\s*_]*[:：][\\s*_]*(.+?)[\\s*_]*$");
    private static final Pattern ANSWER_PHRASE = Pattern.compile(
            "(?i:\\b(?:answer|option|choice)(?:\\s+(?:here|in\\s+this\\s+case|to\\s+(?:this|the)\\s+(?:\\w+\\s+)?question))?"
                    + "(?:\\s+(?:is|would\\s+be|should\\s+be|will\\s+be|must\\s+be)"
                    + "(?:\\s+(?:therefore|thus|clearly|definitely|indeed))?\\s*:?|\\s*:)"
                    + "|\\b(?:choose|select|pick|go\\s+with|answer\\s+(?:the\\s+question\\s+)?with|answer\\s+of"
                    + "|mak(?:es|ing)\\s+the\\s+answer|conclude(?:\\s+that)?))"
                    + "[\\s*]*(?i:option\\s+|choice\\s+|answer\\s+)?");
    /** "Option (A)", "(A)", "answer A", optionally followed by the option's text in commas: "Option (A), daffodils,". */
    private static final String LETTER_REF = "(?:(?i:option|choice|answer)\\s+\\(?([A-Z])\\)?|\\(([A-Z])\\))"
            + "(?:\\s*,[^,.;()]{1,100},|\\s*\"[^\"]{1,100}\"|\\s+-\\s+[^.;()]{1,100}?\\s*[-,]|\\s*\\([^()]{2,100}\\))?";
    private static final Pattern ONLY_OPTION = Pattern.compile("(?i:\\bonly\\s+(?:option|choice|answer))\\s+\\(?([A-Z])\\)?");
    private static final Pattern VERDICT = Pattern.compile(LETTER_REF
            + "(?:\\s+(?i:is|seems|would\\s+be|appears\\s+to\\s+be)\\s+(?i:also\\s+)?(?i:the\\s+)?"
            + "(?i:correct|right|best|most\\s+(?:likely|appropriate|accurate|plausible|suitable))\\b"
            + "|\\s+(?i:is\\s+)?(?i:the)\\s+(?i:correct|right|best)\\s+(?i:answer|choice|option))");
    private static final String NEGATIVE = "\\s*,?\\s+(?i:(?:is|are)\\s+"
            + "(?:(?:also|both|all|clearly|definitely|only|simply|an?|the)\\s+)*"
            + "(?:incorrect|wrong|not\\b|unrelated|irrelevant|untrue|false|eliminated|ruled\\s+out|implausible|unlikely"
            + "|invalid|inaccurate|partially|less\\b|unrealistic|impossible|nonsensical|illogical|opposite)"
            + "|(?:also\\s+)?(?:do|does|did|can|could|would|should)\\s*not\\b|cannot\\b|(?:has|have)\\s+nothing\\b)";
    private static final String APPOSITION = "(?:\\s*,[^,.;()]{1,100},|\\s*\"[^\"]{1,100}\"|\\s+-\\s+[^.;()]{1,100}?\\s*[-,]|\\s*\\([^()]{2,100}\\))?";
    private static final Pattern NEGATED_WITH_WORD = Pattern.compile("(?i:options?|choices?|answers?)\\s+("
            + "\\(?[A-Z]\\)?" + APPOSITION + "(?:" + JOIN + "\\(?[A-Z]\\)?" + APPOSITION + ")*)" + NEGATIVE);
    private static final Pattern NEGATED_PAREN = Pattern.compile(
            "(\\([A-Z]\\)" + APPOSITION + "(?:" + JOIN + "\\([A-Z]\\)" + APPOSITION + ")*)" + NEGATIVE);
    /** "This is the correct answer" after a sentence about "Option (C)". */
    private static final Pattern THIS_IS_CORRECT = Pattern.compile("(?i:\\b(?:this|it|which)\\s+is\\s+(?:the\\s+)?"
            + "(?:correct|right|best)\\s+(?:answer|choice|option))");
    private static final Pattern ANY_LETTER_REF = Pattern.compile(LETTER_REF);
    private static final Pattern LETTER = Pattern.compile("(?<![A-Za-z])[A-Z](?![A-Za-z])");
    private static final Pattern APPOSITION_TEXT = Pattern.compile(
            ",[^,.;()]{1,100},|\"[^\"]{1,100}\"|\\s-\\s[^.;()]{1,100}?\\s*[-,]|\\([^()]{2,100}\\)");
    private static final Pattern LEADING_LETTER = Pattern.compile("^\\(?([A-Z])\\)?(?=$|[\\s.,;:)!])([.):]?)\\s*(.*)$",
            Pattern.DOTALL);
    /** "the answer is B because ..." names B; "the answer is A patient ..." does not. */
    private static final Pattern REASON_WORD = Pattern.compile("(?:because|since|as|given|due|which|but)\\b");
    private static final Pattern BARE_LETTER = Pattern.compile("\\(?[A-Za-z]\\)?[.)]?");
    private static final Pattern FINAL_LINE = Pattern.compile("^\\(?([A-Z])\\)?[.)]?\\s*(.*)$");
    private static final Pattern ENDS_WITH_PAREN = Pattern.compile("\\(([A-Z])\\)[\\s.!]*$");
    private static final Pattern TEXT_NEGATION = Pattern.compile(
            "^ (?:(?:is|are|was|were) (?:also |both |all |clearly |definitely |an |a )?"
                    + "(?:not|incorrect|wrong|unrelated|irrelevant|contraindicated|false|untrue|unlikely|ruled out|eliminated)"
                    + "|do not|does not|did not|cannot|can not|would not|could not)\\b");
    private static final Pattern NON_ALNUM = Pattern.compile("[^\\p{L}\\p{N}]+");
    private static final Pattern SENTENCE = Pattern.compile("(?<=[.!?;])\\s+|\\R");
    private static final Pattern LETTER_MENTION = Pattern.compile("\\([A-Z]\\)|(?i:options?|choices?)\\s+[A-Z]\\b");
    private static final Pattern TEXT_JOIN = Pattern.compile("^ (?:and|or|as well as|nor) $|^ $");
    /** Options that occur in any running text: only trusted after "answer is" or on the answer line. */
    private static final Set<String> GENERIC = Set.of("yes", "no", "true", "false", "none", "all", "both", "neither");

    private AnswerExtractor() {
    }

    /**
     * The option chosen in {@code text} among {@code options} (index i has letter 'A' + i).
     *
     * @param text the generated rationale
     * @param options the question's options
     * @return the chosen option, or an extraction that found none
     */
    public static Extraction extract(String text, List<String> options) {
        if (options == null || options.size() < 2 || options.size() > 26) {
            throw new IllegalArgumentException("options must hold 2..26 entries, got "
                    + (options == null ? "null" : options.size()));
        }
        if (text == null || text.isBlank()) {
            return Extraction.none();
        }
        int n = options.size();
        List<String> normOptions = options.stream().map(AnswerExtractor::normalize).toList();

        Integer found = answerLine(text, n, normOptions);
        if (found != null) {
            Integer named = optionNamedBeforeLetterOnlyAnswerLine(text, normOptions);
            return named != null && !named.equals(found) ? new Extraction(named, Rule.ANSWER_PHRASE)
                    : new Extraction(found, Rule.ANSWER_LINE);
        }
        Extraction phrase = phraseOrVerdict(text, n, normOptions);
        if (phrase.found()) {
            return phrase;
        }
        found = finalLetter(text, n, normOptions);
        if (found != null) {
            return new Extraction(found, Rule.FINAL_LETTER);
        }
        BitSet rejected = rejectedLetters(text, n);
        if (rejected.cardinality() == n - 1) {
            return new Extraction(rejected.nextClearBit(0), Rule.ELIMINATION);
        }
        // sentences that name options by letter are mostly verdicts on them ("Option (B) is wrong because <text of
        // another option>"): look for option texts in the other sentences first
        StringBuilder free = new StringBuilder();
        for (String sentence : SENTENCE.split(text)) {
            if (!LETTER_MENTION.matcher(sentence).find()) {
                free.append(normalize(sentence)).append(" | ");
            }
        }
        List<Pattern> optionPatterns = normOptions.stream()
                .map(o -> Pattern.compile(" " + Pattern.quote(o) + "(?:s|es)? ")).toList();
        found = lastMentioned(free.toString(), normOptions, optionPatterns, rejected);
        if (found == null) {
            found = lastMentioned(normalize(text), normOptions, optionPatterns, rejected);
        }
        if (found != null) {
            return new Extraction(found, Rule.OPTION_TEXT);
        }
        return Extraction.none();
    }

    private static Integer answerLine(String text, int n, List<String> normOptions) {
        String[] lines = text.split("\\R");
        for (int i = lines.length - 1; i >= 0; i--) {
            Matcher m = ANSWER_LINE.matcher(lines[i]);
            if (m.matches()) {
                Integer v = value(m.group(1), n, normOptions, false);
                if (v != null) {
                    return v;
                }
            }
        }
        return null;
    }

    /**
     * When the last answer line holds nothing but a letter ({@code Answer: C}, {@code Answer: (C).}): the option
     * whose whole text follows the last answer phrase before that line ({@code so the answer is zoravine.}), the
     * longest when several fit, generic options (yes, no, ...) never; else null.
     */
    private static Integer optionNamedBeforeLetterOnlyAnswerLine(String text, List<String> normOptions) {
        String[] lines = text.split("\\R", -1);
        int last = lines.length - 1;
        while (last >= 0 && !ANSWER_LINE.matcher(lines[last]).matches()) {
            last--;
        }
        Matcher line = ANSWER_LINE.matcher(lines[last]); // answerLine found one, so last >= 0
        if (!line.matches() || !BARE_LETTER.matcher(line.group(1)).matches()) {
            return null;
        }
        String before = String.join("\n", Arrays.asList(lines).subList(0, last));
        Integer best = null;
        Matcher m = ANSWER_PHRASE.matcher(before);
        while (m.find()) {
            String rest = " " + normalize(before.substring(m.end(), Math.min(before.length(), m.end() + 300))) + " ";
            Integer here = null;
            for (int i = 0; i < normOptions.size(); i++) {
                String option = normOptions.get(i);
                if (!option.isEmpty() && !GENERIC.contains(option) && rest.startsWith(" " + option + " ")
                        && (here == null || option.length() > normOptions.get(here).length())) {
                    here = i;
                }
            }
            best = here;
        }
        return best;
    }

    private static Extraction phraseOrVerdict(String text, int n, List<String> normOptions) {
        Integer best = null;
        Rule rule = Rule.NONE;
        int bestPos = -1;
        Matcher m = ANSWER_PHRASE.matcher(text);
        while (m.find()) {
            String rest = text.substring(m.end(), Math.min(text.length(), m.end() + 300));
            Integer v = value(rest, n, normOptions, true);
            if (v != null && m.start() > bestPos) {
                best = v;
                bestPos = m.start();
                rule = Rule.ANSWER_PHRASE;
            }
        }
        Matcher v = VERDICT.matcher(text);
        while (v.find()) {
            int letter = (v.group(1) != null ? v.group(1) : v.group(2)).charAt(0) - 'A';
            if (letter < n && v.start() > bestPos) {
                best = letter;
                bestPos = v.start();
                rule = Rule.VERDICT;
            }
        }
        Matcher only = ONLY_OPTION.matcher(text);
        while (only.find()) {
            int letter = only.group(1).charAt(0) - 'A';
            if (letter < n && only.start() > bestPos) {
                best = letter;
                bestPos = only.start();
                rule = Rule.VERDICT;
            }
        }
        Matcher t = THIS_IS_CORRECT.matcher(text);
        while (t.find()) {
            if (t.start() <= bestPos) {
                continue;
            }
            Matcher ref = ANY_LETTER_REF.matcher(text.substring(Math.max(0, t.start() - 400), t.start()));
            Integer letter = null;
            while (ref.find()) {
                letter = (ref.group(1) != null ? ref.group(1) : ref.group(2)).charAt(0) - 'A';
            }
            if (letter != null && letter < n) {
                best = letter;
                bestPos = t.start();
                rule = Rule.VERDICT;
            }
        }
        return best == null ? Extraction.none() : new Extraction(best, rule);
    }

    /**
     * The option named at the start of {@code value}: a letter (bare letters only when followed by punctuation,
     * the end, or that option's text), else an option text: the whole value, or (when {@code prefix}) its start,
     * or (answer line) the longest option text inside it.
     */
    private static Integer value(String value, int n, List<String> normOptions, boolean prefix) {
        String v = value.strip();
        Matcher m = LEADING_LETTER.matcher(v);
        if (m.matches()) {
            int letter = m.group(1).charAt(0) - 'A';
            boolean marked = v.startsWith("(") || !m.group(2).isEmpty();
            String rest = normalize(m.group(3));
            String own = letter < n ? normOptions.get(letter) : "";
            if (letter < n && (rest.isEmpty() || marked || (!own.isEmpty() && (rest + " ").startsWith(own + " "))
                    || REASON_WORD.matcher(rest).lookingAt())) {
                return letter;
            }
        }
        String norm = normalize(v);
        if (norm.isEmpty()) {
            return null;
        }
        for (int i = 0; i < n; i++) {
            if (norm.equals(normOptions.get(i))) {
                return i;
            }
        }
        Integer best = null;
        int bestLen = 0;
        boolean tie = false;
        String padded = " " + norm + " ";
        for (int i = 0; i < n; i++) {
            String o = normOptions.get(i);
            if (o.isEmpty()) {
                continue;
            }
            boolean hit = prefix ? padded.startsWith(" " + o + " ") : padded.contains(" " + o + " ");
            if (hit && !(GENERIC.contains(o) && !prefix)) {
                if (o.length() > bestLen) {
                    best = i;
                    bestLen = o.length();
                    tie = false;
                } else if (o.length() == bestLen && !o.equals(normOptions.get(best))) {
                    tie = true;
                }
            }
        }
        return tie ? null : best;
    }

    private static Integer finalLetter(String text, int n, List<String> normOptions) {
        String[] lines = text.strip().split("\\R");
        String last = lines[lines.length - 1].strip();
        Matcher m = FINAL_LINE.matcher(last);
        if (m.matches() && last.length() <= 2 + normOptions.stream().mapToInt(String::length).max().orElse(0) + 4) {
            int letter = m.group(1).charAt(0) - 'A';
            String rest = normalize(m.group(2));
            boolean bare = !last.startsWith("(") && last.length() > 1 && Character.isLetter(last.charAt(1));
            if (!bare && letter < n && (rest.isEmpty() || rest.equals(normOptions.get(letter)))) {
                return letter;
            }
        }
        Matcher p = ENDS_WITH_PAREN.matcher(text);
        if (p.find()) {
            int letter = p.group(1).charAt(0) - 'A';
            return letter < n ? letter : null;
        }
        return null;
    }

    /** Letters the text explicitly rejects ("Option (A) is incorrect", "(B) and (C) are wrong"). */
    static BitSet rejectedLetters(String text, int n) {
        BitSet rejected = new BitSet(n);
        for (Pattern p : List.of(NEGATED_WITH_WORD, NEGATED_PAREN)) {
            Matcher m = p.matcher(text);
            while (m.find()) {
                Matcher l = LETTER.matcher(APPOSITION_TEXT.matcher(m.group(1)).replaceAll(" "));
                while (l.find()) {
                    int letter = l.group().charAt(0) - 'A';
                    if (letter < n) {
                        rejected.set(letter);
                    }
                }
            }
        }
        return rejected;
    }

    /**
     * The last option mentioned in running text that is neither rejected by letter nor by its own clause
     * ("ampicillin and ceftriaxone are not used"). Mentions inside a longer option's mention do not count.
     */
    private static Integer lastMentioned(String norm, List<String> normOptions, List<Pattern> optionPatterns,
                                         BitSet rejected) {
        String padded = " " + norm + " ";
        List<int[]> mentions = new ArrayList<>(); // {option, start, end} in padded, start at the leading space
        for (int i = 0; i < normOptions.size(); i++) {
            String o = normOptions.get(i);
            if (o.length() < 3 || GENERIC.contains(o)) {
                continue;
            }
            // plural forms count too: "lions" mentions the option "lion"
            Matcher m = optionPatterns.get(i).matcher(padded);
            for (int from = 0; m.find(from); from = m.start() + 1) {
                mentions.add(new int[] {i, m.start(), m.end() - 1});
            }
        }
        mentions.removeIf(a -> mentions.stream().anyMatch(b -> b != a && b[2] - b[1] > a[2] - a[1]
                && b[1] <= a[1] && a[2] <= b[2]));
        mentions.sort((a, b) -> Integer.compare(a[1], b[1]));
        boolean[] negated = new boolean[mentions.size()];
        for (int k = mentions.size() - 1; k >= 0; k--) {
            int[] a = mentions.get(k);
            String after = padded.substring(a[2]);
            if (TEXT_NEGATION.matcher(after).find()) {
                negated[k] = true;
            } else if (k + 1 < mentions.size() && negated[k + 1]) {
                // "x and y are not ..." rejects x too
                int[] b = mentions.get(k + 1);
                negated[k] = b[1] >= a[2] && TEXT_JOIN.matcher(padded.substring(a[2], b[1] + 1)).matches();
            }
        }
        Integer last = null;
        for (int k = 0; k < mentions.size(); k++) {
            int option = mentions.get(k)[0];
            if (!negated[k] && !rejected.get(option)) {
                last = option;
            }
        }
        return last;
    }

    /** Lower case, every run of non-alphanumerics one space: "Plants sprouting, blooming" -> "plants sprouting blooming". */
    static String normalize(String s) {
        return NON_ALNUM.matcher(s.toLowerCase(Locale.ROOT)).replaceAll(" ").strip();
    }
}
