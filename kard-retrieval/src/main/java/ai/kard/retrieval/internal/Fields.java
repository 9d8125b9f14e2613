package ai.kard.retrieval.internal;

/** Lucene field names, Anserini's: {@code id} (exact, stored, sortable), {@code contents} (searched). */
public final class Fields {
    /** Passage id: indexed as one term, stored, and as sorted doc values for the id tie-break. */
    public static final String ID = "id";
    /** Title and text together, analysed, not stored. */
    public static final String CONTENTS = "contents";
    /** Title and text as given, in binary doc values (see {@link StoredPassages}). */
    public static final String RAW = "raw";

    private Fields() {
    }
}
