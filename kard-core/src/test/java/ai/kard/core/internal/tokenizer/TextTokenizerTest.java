package ai.kard.core.internal.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextTokenizerTest {
    @Test
    void bundledWordPieceRoundTrips(@TempDir Path dir) throws Exception {
        try (TextTokenizer tokenizer = TextTokenizer.bundledWordPiece()) {
            assertThat(tokenizer.vocabSize()).isEqualTo(30522);
            assertThat(tokenizer.tokenId("[PAD]")).hasValue(0);
            assertThat(tokenizer.tokenId("[SEP]")).hasValue(102);
            int[] ids = tokenizer.encode("The liver makes bile.");
            assertThat(ids).doesNotContain(101, 102);
            assertThat(tokenizer.decode(ids)).isEqualTo("the liver makes bile.");
            assertThat(tokenizer.encodeWithSpecialTokens("liver")).startsWith(101).endsWith(102);
            tokenizer.save(dir);
            try (TextTokenizer reloaded = TextTokenizer.load(dir)) {
                assertThat(reloaded.encode("zorblat syndrome")).containsExactly(tokenizer.encode("zorblat syndrome"));
            }
        }
    }
}
