package ai.kard.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ai.kard.retrieval.internal.JsonMessages;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JsonMessagesTest {
    private static String cleaned(String json) {
        JacksonException e = catchThrowableOfType(JacksonException.class, () -> new ObjectMapper().readTree(json));
        return JsonMessages.clean(e);
    }

    @Test
    void dropsJacksonsSourceDumpAndKeepsTheColumn() {
        // An unclosed object: Jackson names the start marker with a [Source: ...; line: 1, column: 1] dump.
        String message = cleaned("{\"id\": {\"a\": 1}");
        assertThat(message).startsWith("Unexpected end-of-input").contains("column 1")
                .doesNotContain("Source:").doesNotContain("REDACTED").doesNotContain("line:").doesNotContain("\n");
        assertThat(cleaned("{\"id\": x}")).contains("Unrecognized token 'x'").doesNotContain("Source:");
    }
}
