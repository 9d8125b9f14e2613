package ai.kard.core.internal.model.bert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.kard.core.checkpoint.CheckpointException;
import ai.kard.core.internal.tokenizer.TextTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BertTokenizersTest {
    @TempDir
    Path temp;

    @Test
    void vocabTxtTokenizesLikeTheFastTokenizer() throws IOException {
        List<String> vocab = new ArrayList<>();
        try (InputStream in = TextTokenizer.class.getResourceAsStream(TextTokenizer.BUNDLED_WORDPIECE)) {
            new ObjectMapper().readTree(in).path("model").path("vocab").fields().forEachRemaining(e -> {
                while (vocab.size() <= e.getValue().asInt()) {
                    vocab.add("");
                }
                vocab.set(e.getValue().asInt(), e.getKey());
            });
        }
        Files.write(temp.resolve("vocab.txt"), vocab);
        String text = "Photosynthesis converts CO2 into glucose; Müller's unaffordable zymogens!";
        try (TextTokenizer bundled = TextTokenizer.bundledWordPiece();
                TextTokenizer built = BertTokenizers.load(temp)) {
            assertThat(built.encodeWithSpecialTokens(text)).containsExactly(bundled.encodeWithSpecialTokens(text));
            assertThat(built.encodeWithSpecialTokens("")).containsExactly(101, 102);
        }
        Files.writeString(temp.resolve("tokenizer_config.json"), "{\"do_lower_case\": false}");
        try (TextTokenizer cased = BertTokenizers.load(temp)) {
            assertThat(cased.encode("The")).containsExactly(100); // "The" is not in an uncased vocabulary
        }
    }

    @Test
    void folderWithoutTokenizerIsAnError() {
        assertThatThrownBy(() -> BertTokenizers.load(temp)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("vocab.txt");
    }
}
