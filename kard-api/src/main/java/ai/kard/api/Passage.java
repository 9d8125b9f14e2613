package ai.kard.api;

import java.util.Objects;

/**
 * One passage of a knowledge base.
 *
 * @param id    unique, non-blank identifier within its knowledge base
 * @param title title of the source document; empty when the corpus has none
 * @param text  the passage text
 */
public record Passage(String id, String title, String text) {
    /**
     * Checks the fields; a null title becomes empty.
     *
     * @param id    see the record's description
     * @param title see the record's description
     * @param text  see the record's description
     * @throws IllegalArgumentException when the id is blank
     */
    public Passage {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("passage id must not be blank");
        }
        title = title == null ? "" : title;
        Objects.requireNonNull(text, "text");
    }

    /**
     * Title and text as one string, the way retrieval and prompts see the passage.
     *
     * @return {@code title + ". " + text}, or the text alone when there is no title
     */
    public String contents() {
        return title.isEmpty() ? text : title + ". " + text;
    }
}
