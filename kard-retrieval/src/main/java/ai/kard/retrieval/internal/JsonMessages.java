package ai.kard.retrieval.internal;

import com.fasterxml.jackson.core.JacksonException;
import java.util.regex.Pattern;

/**
 * Jackson's error text without its location dump: Kard names the file and line itself, and Jackson's
 * {@code [Source: REDACTED ...; line: 1, column: 44]} (also inside "start marker at [Source: ...]") would contradict
 * the line number in front. Only the column is kept.
 */
public final class JsonMessages {
    private static final Pattern SOURCE =
            Pattern.compile("\\[Source: .*?; line: \\d+, column: (\\d+)\\]", Pattern.DOTALL);
    private static final Pattern TRAILING_LOCATION = Pattern.compile("\\s+at column \\d+\\s*$");

    private JsonMessages() {
    }

    /** One line: Jackson's message without the source dump, for example "Unexpected end-of-input ...". */
    public static String clean(JacksonException e) {
        String text = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
        return clean(text);
    }

    /** {@code text} with every {@code [Source: ...; line: L, column: C]} replaced by {@code column C}, on one line. */
    public static String clean(String text) {
        String cleaned = SOURCE.matcher(text).replaceAll("column $1");
        cleaned = TRAILING_LOCATION.matcher(cleaned).replaceAll("");
        return cleaned.replaceAll("\\s*\\R\\s*", " ").strip();
    }
}
