package ai.kard.core.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;

class PromptTemplateTest {
    /** Whitespace-separated words: a stand-in for a tokenizer's length. */
    private static final ToIntFunction<String> WORDS = s -> s.isBlank() ? 0 : s.strip().split("\\s+").length;

    private static final PromptInput INPUT = new PromptInput("Which drug treats Zorblat syndrome?",
            List.of("zoravine", "morvex", "kelpa", "dravid"),
            List.of("Zorblat syndrome is hepatic. Its first-line drug is zoravine.",
                    "Morvex is an oral agent approved in 1990."));

    @Test
    void rendersQuestionOptionsKnowledgeAndCue() {
        String prompt = PromptTemplate.defaults().render(INPUT);
        assertThat(prompt).isEqualTo("Answer with an explanation.\nQuestion: Which drug treats Zorblat syndrome?\n"
                + "A. zoravine B. morvex C. kelpa D. dravid\n"
                + "Knowledge: Zorblat syndrome is hepatic. Its first-line drug is zoravine.\n"
                + "Morvex is an oral agent approved in 1990.\nExplanation:");
    }

    @Test
    void rdModeOmitsTheKnowledgeSection() {
        String prompt = PromptTemplate.defaults().render(INPUT.withoutPassages());
        assertThat(prompt).doesNotContain("Knowledge").endsWith("D. dravid\nExplanation:");
        PromptInput blank = new PromptInput(INPUT.question(), INPUT.options(), List.of(" "));
        assertThat(PromptTemplate.defaults().render(blank)).isEqualTo(prompt);
    }

    @Test
    void bracesInContentAreNotPlaceholders() {
        PromptInput tricky = new PromptInput("What is {options}?", List.of("{question}", "b"), List.of("{knowledge}"));
        String prompt = PromptTemplate.defaults().render(tricky);
        assertThat(prompt).contains("Question: What is {options}?\nA. {question} B. b\nKnowledge: {knowledge}\n");
    }

    @Test
    void overBudgetCutsOnlyTheLastPassageWordsFirst() {
        PromptTemplate template = PromptTemplate.defaults();
        int full = WORDS.applyAsInt(template.render(INPUT));
        RenderedPrompt cut = template.render(INPUT, full - 3, WORDS);
        assertThat(cut.tokens()).isLessThanOrEqualTo(full - 3);
        assertThat(cut.droppedWords()).isEqualTo(3);
        assertThat(cut.overBudget()).isFalse();
        assertThat(cut.text()).contains("Its first-line drug is zoravine.\nMorvex is an oral agent\n"
                + "Explanation:");

        // Cut through the second passage entirely and into the first.
        RenderedPrompt deeper = template.render(INPUT, full - 10, WORDS);
        assertThat(deeper.text()).doesNotContain("Morvex is").contains("Knowledge: Zorblat syndrome is hepatic."
                + " Its first-line drug\nExplanation:");
        assertThat(deeper.tokens()).isEqualTo(full - 10);
    }

    @Test
    void neverCutsQuestionOptionsOrCue() {
        PromptTemplate template = PromptTemplate.defaults();
        int rd = WORDS.applyAsInt(template.render(INPUT.withoutPassages()));
        RenderedPrompt noRoom = template.render(INPUT, rd, WORDS);
        assertThat(noRoom.text()).isEqualTo(template.render(INPUT.withoutPassages()));
        assertThat(noRoom.overBudget()).isFalse();

        RenderedPrompt tooSmall = template.render(INPUT, 5, WORDS);
        assertThat(tooSmall.overBudget()).isTrue();
        assertThat(tooSmall.text()).contains(INPUT.question()).contains("D. dravid").endsWith("Explanation:");
    }

    @Test
    void fittingPromptIsUnchanged() {
        RenderedPrompt rendered = PromptTemplate.defaults().render(INPUT, 1000, WORDS);
        assertThat(rendered.text()).isEqualTo(PromptTemplate.defaults().render(INPUT));
        assertThat(rendered.droppedWords()).isZero();
    }

    @Test
    void customTemplateAndValidation() {
        PromptTemplate paper = new PromptTemplate("Question: {question} {options}\n{knowledge}Explanation:",
                "Knowledge: {passages}\n", " ");
        assertThat(paper.render(INPUT)).startsWith("Question: Which drug treats Zorblat syndrome? A. zoravine")
                .contains("zoravine. Morvex");
        assertThatThrownBy(() -> PromptTemplate.of("Question: {question}\nExplanation:"))
                .hasMessageContaining("{options} exactly once");
        assertThatThrownBy(() -> new PromptTemplate("{question}{options}{knowledge}{passages}", "{passages}", " "))
                .hasMessageContaining("{passages} belongs in the knowledge section");
        assertThat(PromptTemplate.defaults().toString()).contains("Explanation:");
    }
}
