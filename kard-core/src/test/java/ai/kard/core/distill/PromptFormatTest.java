package ai.kard.core.distill;

import static org.assertj.core.api.Assertions.assertThat;

import ai.kard.api.Question;
import ai.kard.core.internal.tokenizer.TextTokenizer;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptFormatTest {
    private static final Question Q = new Question("q", "Which drug is first-line for blorf fever?",
            List.of("zoravine", "aspirin", "quelamide"), 0);

    @Test
    void encodingKeepsTheBudgetByCuttingPassagesOnly() throws Exception {
        try (TextTokenizer tokenizer = TextTokenizer.bundledWordPiece()) {
            String longPassage = "blorf fever is treated with zoravine . ".repeat(100);
            PromptFormat format = PromptFormat.defaults().withMaxTokens(80);
            int[] ids = format.encode(tokenizer, new PromptInput(Q.text(), Q.options(),
                    List.of(longPassage, "second passage")));
            assertThat(ids.length).isLessThanOrEqualTo(80).isGreaterThan(70);
            String text = tokenizer.decode(ids);
            assertThat(text).contains("question : which drug").contains("c. quelamide")
                    .contains("knowledge : blorf fever").endsWith("explanation :").doesNotContain("second passage");
            int[] full = PromptFormat.defaults().encode(tokenizer, new PromptInput(Q.text(), Q.options(),
                    List.of("short passage")));
            assertThat(tokenizer.decode(full)).contains("knowledge : short passage");
        }
    }
}
