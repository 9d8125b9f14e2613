package ai.kard.retrieval.internal;

/** Lucene field names, Anserini's: {@code id} (exact, stored, sortable), {@code contents} (searched). */
public final class Fields {
    /** Passage id: indexed as one term, stored, and as sorted doc values for the id tie-break. */
    public static final String ID = "id";
    /** Title and text together, analysed, not stored. */
    public static final String CONTENTS = "contents";
    /** The raw title, stored only. */
    public static final String TITLE = "title";
    /** The raw text, stored only. */
    public static final String TEXT = "text";

    private Fields() {
    }
}
