package ai.kard.core.distill;

import static org.assertj.core.api.Assertions.assertThat;

import ai.kard.api.Passage;
import ai.kard.api.Question;
import ai.kard.core.tokenizer.TextTokenizer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PromptAndRenamingTest {
    private static final Question Q = new Question("q", "Which drug is first-line for blorf fever?",
            List.of("zoravine", "aspirin", "quelamide"), 0);

    @Test
    void truncationCutsPassagesButKeepsQuestionOptionsAndCue() throws Exception {
        try (TextTokenizer tokenizer = TextTokenizer.bundledWordPiece()) {
            String longPassage = "blorf fever is treated with zoravine . ".repeat(100);
            PromptFormat format = PromptFormat.defaults().withMaxTokens(80);
            int[] ids = format.encode(tokenizer, Q, List.of(longPassage, "second passage"));
            assertThat(ids.length).isLessThanOrEqualTo(80).isGreaterThan(70);
            String text = tokenizer.decode(ids);
            assertThat(text).startsWith("question : which drug").contains("c. quelamide")
                    .contains("knowledge : blorf fever").endsWith("explanation :");
            int[] full = PromptFormat.defaults().encode(tokenizer, Q, List.of("short passage"));
            assertThat(tokenizer.decode(full)).contains("knowledge : short passage");
        }
    }

    @Test
    void renamingReplacesSharedRareWordsConsistently() throws Exception {
        try (TextTokenizer tokenizer = TextTokenizer.bundledWordPiece()) {
            DistillationExample example = new DistillationExample(Q,
                    List.of(new Passage("p", "Blorf fever", "Blorf fever is treated with zoravine.")),
                    "Blorf fever is treated with zoravine, so the drug is zoravine.\nAnswer: A");
            RareNameRenaming always = new RareNameRenaming(tokenizer, 1.0);
            DistillationExample renamed = always.augment(example, new Random(1));
            assertThat(renamed.target()).doesNotContain("zoravine").doesNotContain("Blorf").endsWith("Answer: A")
                    .contains(" fever");
            String newDrug = renamed.question().options().get(0);
            assertThat(newDrug).isNotEqualTo("zoravine");
            assertThat(renamed.target()).contains("drug is " + newDrug);
            assertThat(renamed.passages().get(0).text()).contains(newDrug);
            assertThat(renamed.question().options().get(1)).isEqualTo("aspirin");
            assertThat(always.augment(example, new Random(1))).isEqualTo(renamed);
            assertThat(new RareNameRenaming(tokenizer, 0.0).augment(example, new Random(1))).isSameAs(example);
        }
    }
}
