package ai.kard.core.answer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.kard.core.answer.Extraction.Rule;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnswerExtractorTest {
    static final List<String> DRUGS = List.of("Ampicillin", "Ceftriaxone", "Nitrofurantoin", "Doxycycline");
    static final List<String> NAMES = List.of("zoravine", "kelpitol", "zoravine hydrochloride", "mestrane");
    static final List<String> YES_NO = List.of("yes", "no");

    private static Extraction x(String text, List<String> options) {
        return AnswerExtractor.extract(text, options);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "The drug is safe in pregnancy.\\nAnswer: C|2|ANSWER_LINE",
        "Reasoning.\\nAnswer: (C)|2|ANSWER_LINE",
        "Reasoning.\\nanswer: c.|NULL|NONE",
        "Reasoning.\\n**Answer:** B|1|ANSWER_LINE",
        "Reasoning.\\nFinal answer: D. Doxycycline|3|ANSWER_LINE",
        "Reasoning.\\nAnswer: nitrofurantoin|2|ANSWER_LINE",
        "Reasoning.\\nAnswer: The best choice is Nitrofurantoin.|2|ANSWER_LINE",
        "Thus the answer is (B).|1|ANSWER_PHRASE",
        "Thus the answer is B because it kills bacteria.|1|ANSWER_PHRASE",
        "So the correct answer is C.|2|ANSWER_PHRASE",
        "The correct option is (D) Doxycycline, clearly.|3|ANSWER_PHRASE",
        "The answer is ceftriaxone.|1|ANSWER_PHRASE",
        "Option (D) is correct because it is a tetracycline.|3|VERDICT",
        "Clearly (A) is the best answer here.|0|VERDICT",
        "We first thought the answer is (A). On reflection, option (C) is correct.|2|VERDICT",
        "Some explanation.\\nC.|2|FINAL_LETTER",
        "Some explanation that ends with (B)|1|FINAL_LETTER",
        "Some explanation about vitamin C.|NULL|NONE",
        "Option (A) is incorrect. Option (B) and (D) are wrong because they harm the fetus.|2|ELIMINATION",
        "Options A, B and C are incorrect.|3|ELIMINATION",
        "Nitrofurantoin is safe. Ampicillin and Ceftriaxone are not used, and Doxycycline is contraindicated.|2|OPTION_TEXT",
        "A patient presents with a UTI. A drug must be chosen.|NULL|NONE",
    })
    void drugs(String text, String expected, String rule) {
        Extraction e = x(text.replace("\\n", "\n"), DRUGS);
        assertThat(e.option()).as(text).isEqualTo(expected.equals("NULL") ? null : Integer.valueOf(expected));
        assertThat(e.rule()).as(text).isEqualTo(Rule.valueOf(rule));
    }

    @Test
    void lowercaseLetterAfterAnswerLineIsNotAnOption() {
        // "answer: c." is lower case: not a letter, and "c" is no option text
        assertThat(x("Reasoning.\nanswer: c.", DRUGS).found()).isFalse();
    }

    @Test
    void articleAIsNeverOptionA() {
        assertThat(x("A patient presents with fever. A culture shows bacteria.", DRUGS).found()).isFalse();
        assertThat(x("Answer: A patient like this needs Doxycycline", DRUGS).option()).isEqualTo(3);
        assertThat(x("I think this is hard.\nA", DRUGS).option()).isEqualTo(0);
        assertThat(x("The answer is A patient-specific decision.", DRUGS).found()).isFalse();
    }

    @Test
    void punctuationOnlyOptionsNeverMatchEverything() {
        List<String> odd = List.of("...", "zoravine");
        assertThat(x("The answer is A patient.", odd).found()).isFalse();
        assertThat(x("Answer: B", odd).option()).isEqualTo(1);
    }

    @Test
    void lettersBeyondTheOptionsAreIgnored() {
        assertThat(x("The answer is (E).", DRUGS).found()).isFalse();
        assertThat(x("The answer is (E). Nitrofurantoin is safe.", DRUGS).option()).isEqualTo(2);
    }

    @Test
    void answerLineBeatsEverythingElse() {
        String text = "Option (A) is correct at first sight, the answer is (B).\nAnswer: D";
        assertThat(x(text, DRUGS)).isEqualTo(new Extraction(3, Rule.ANSWER_LINE));
    }

    @Test
    void optionNamedAfterTheLastAnswerPhraseBeatsAContradictingBareLetter() {
        String student = "Polun syndrome is treated first with zoravine hydrochloride. So the answer is zoravine"
                + " hydrochloride.\nAnswer: D";
        assertThat(x(student, NAMES)).isEqualTo(new Extraction(2, Rule.ANSWER_PHRASE));
        // agreeing letter: the answer line as before
        assertThat(x("So the answer is kelpitol.\nAnswer: B", NAMES)).isEqualTo(new Extraction(1, Rule.ANSWER_LINE));
        // a letter with text on the answer line, a phrase naming no option, or a generic option: the letter
        assertThat(x("So the answer is kelpitol.\nAnswer: D. mestrane", NAMES).option()).isEqualTo(3);
        assertThat(x("So the answer is unclear.\nAnswer: D", NAMES).option()).isEqualTo(3);
        assertThat(x("So the answer is yes.\nAnswer: B", YES_NO).option()).isEqualTo(1);
        // only the last answer phrase counts
        assertThat(x("The answer is kelpitol? No, the answer is something else.\nAnswer: D", NAMES).option())
                .isEqualTo(3);
    }

    @Test
    void lastAnswerLineWins() {
        assertThat(x("Answer: A\nWait, reconsider.\nAnswer: B", DRUGS).option()).isEqualTo(1);
    }

    @Test
    void longestOptionTextWins() {
        assertThat(x("The passage names it.\nAnswer: zoravine hydrochloride", NAMES).option()).isEqualTo(2);
        assertThat(x("The passage names it.\nAnswer: zoravine", NAMES).option()).isEqualTo(0);
        assertThat(x("It is treated with zoravine hydrochloride.", NAMES).option()).isEqualTo(2);
        assertThat(x("It is treated with Zoravine, never kelpitol.", NAMES).option()).isEqualTo(1);
        assertThat(x("Kelpitol is not used here. The drug is ZORAVINE.", NAMES).option()).isEqualTo(0);
    }

    @Test
    void rejectedOptionTextIsSkipped() {
        assertThat(x("Mestrane treats it. Kelpitol is not effective.", NAMES).option()).isEqualTo(3);
    }

    @Test
    void yesNoOnlyCountWhenStatedAsTheAnswer() {
        assertThat(x("There is no evidence that it happened. So, the answer is (B) no.", YES_NO).option()).isEqualTo(1);
        assertThat(x("Yes, it could. So the answer is yes.", YES_NO).option()).isEqualTo(0);
        assertThat(x("There is no evidence either way.", YES_NO).found()).isFalse();
        assertThat(x("Answer: No", YES_NO).option()).isEqualTo(1);
        assertThat(x("Therefore, the correct answer is (A) yes.", YES_NO).option()).isEqualTo(0);
        assertThat(x("..., making answer (A) the correct choice.", YES_NO)).isEqualTo(new Extraction(0, Rule.VERDICT));
    }

    @Test
    void obqaStyleElimination() {
        List<String> opts = List.of("fight", "burn", "circle", "explode");
        String text = "A giant globe will circle around a giant star. Option (A) is incorrect because there is no "
                + "fighting. Option (B) is incorrect because stars burn. Option (D) is incorrect because stars explode.";
        assertThat(x(text, opts)).isEqualTo(new Extraction(2, Rule.ELIMINATION));
        String partial = "The alps formed by folding and creasing. Option (A) is incorrect. Option (B) is incorrect. "
                + "Option (C) is incorrect because erupting is volcanic.";
        assertThat(x(partial, List.of("growing", "melting", "erupting", "creasing")).option()).isEqualTo(3);
    }

    @Test
    void releasedRationaleForms() {
        assertThat(x("we can confidently answer the question with choice (A) yes. He did.", YES_NO).option()).isEqualTo(0);
        assertThat(x("The answer here is (A) yes.", YES_NO).option()).isEqualTo(0);
        assertThat(x("The answer is therefore (B) no. It is important to consider context.", YES_NO).option()).isEqualTo(1);
        List<String> seeds = List.of("benefits humans", "decreases plants", "has no effect", "benefits plants");
        assertThat(x("Dispersal helps. Option (A) is incorrect. Option (B) is untrue because x. Option (C) is also "
                + "incorrect.", seeds)).isEqualTo(new Extraction(3, Rule.ELIMINATION));
        List<String> cat = List.of("learns to wear clothes", "learns to eat bees", "learns to jump higher", "learns to cook");
        assertThat(x("The cat will learn. Option (A) is unrelated. Option (B) is an incorrect answer. Option (C) and "
                + "option (D) are wrong.", cat).found()).isFalse(); // every option rejected: no answer
        assertThat(x("Option (A) is unrelated. Option (B) is an incorrect answer. Option (D) is only partially "
                + "correct.", cat)).isEqualTo(new Extraction(2, Rule.ELIMINATION));
        List<String> flora = List.of("hills", "planets", "flora", "people");
        assertThat(x("Only plants, or flora, require it to grow. Hills, planets, and people do not undergo "
                + "photosynthesis.", flora)).isEqualTo(new Extraction(2, Rule.OPTION_TEXT));
        List<String> rocks = List.of("Weathering", "Climate", "Weatherization", "Weather");
        assertThat(x("Weathering can cause rocks to erode. Option (B) is incorrect because climate refers to weather "
                + "patterns.", rocks).option()).isEqualTo(0);
        assertThat(x("Option (A), daffodils, is correct because they make nectar. Option (B), flower toys, is "
                + "incorrect.", List.of("daffodils", "flower toys", "sunlight", "groundwater")))
                .isEqualTo(new Extraction(0, Rule.VERDICT));
        assertThat(x("Option (B), flower toys, is incorrect. Option (C), sunlight, is incorrect. Option (D), ground "
                + "water, is wrong.", List.of("daffodils", "flower toys", "sunlight", "groundwater")))
                .isEqualTo(new Extraction(0, Rule.ELIMINATION));
        assertThat(x("Option (A) is wrong. Option (C) includes day and night. This is the correct answer because it "
                + "fits. Option (D) includes birds.", DRUGS)).isEqualTo(new Extraction(2, Rule.VERDICT));
        assertThat(x("There were no matches, further supporting the answer of (B) no.", YES_NO).option()).isEqualTo(1);
        assertThat(x("It is far away. This makes the answer (B) no.", YES_NO).option()).isEqualTo(1);
        assertThat(x("Hence, the correct answer to the given question is option (A) yes, Disney has Elsa.", YES_NO)
                .option()).isEqualTo(0);
        assertThat(x("We cannot answer yes, but can only conclude (B) no.", YES_NO).option()).isEqualTo(1);
        List<String> fire = List.of("rocks", "timberland", "water", "rivers");
        assertThat(x("Therefore, option (B) - timberland - is the correct answer. Option (A) - rocks - is incorrect.",
                fire)).isEqualTo(new Extraction(1, Rule.VERDICT));
        assertThat(x("Option (D) \"rivers\" is the correct answer. Options (A), (B), and (C) are parts.", fire).option())
                .isEqualTo(3);
        assertThat(x("Option (A) (lemonade) is unrelated. Option (B) (cars) and Option (C) (grass) are also unrelated. "
                + "Therefore, Option (D) (power plant) is the correct answer.", List.of("lemonade", "cars", "grass.",
                "power plant"))).isEqualTo(new Extraction(3, Rule.VERDICT));
        assertThat(x("The shape differs. Options (A), (B), and (C) do not accurately describe the changes.",
                List.of("color", "pattern", "temperature", "shape"))).isEqualTo(new Extraction(3, Rule.ELIMINATION));
        assertThat(x("Option (A) is unrelated. Option (C) is also unrelated. Option (D) is the opposite of what would "
                + "happen.", List.of("a hydrogen explosion", "a boosted ecosystem", "a crying child", "an extreme drought")))
                .isEqualTo(new Extraction(1, Rule.ELIMINATION));
        assertThat(x("Option (A) is incorrect. Option (B) - tree bark, is incorrect because x. Option (D) - leaves, is "
                + "also incorrect.", List.of("fish", "tree bark", "nuts", "leaves"))).isEqualTo(new Extraction(2, Rule.ELIMINATION));
        assertThat(x("Friction (option B) needs contact. Only option (C) describes a force without contact.",
                List.of("weight", "friction", "opposites attracting", "pressure"))).isEqualTo(new Extraction(2, Rule.VERDICT));
        assertThat(x("Lions hunt other animals for food.", List.of("deer", "elephant", "worm", "lion")).option())
                .isEqualTo(3);
    }

    @Test
    void emptyTextHasNoAnswer() {
        assertThat(x("", DRUGS)).isEqualTo(new Extraction(null, Rule.NONE));
        assertThat(x("   \n ", DRUGS).found()).isFalse();
        assertThat(x(null, DRUGS).found()).isFalse();
    }

    @Test
    void rejectsBadOptionLists() {
        assertThatThrownBy(() -> x("x", List.of("only"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 1");
    }
}
