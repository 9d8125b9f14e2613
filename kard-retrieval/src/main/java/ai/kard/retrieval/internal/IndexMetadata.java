package ai.kard.retrieval.internal;

import ai.kard.api.InvalidInputException;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code kard-index.json} records about an index, so that a later open can refuse mismatched settings.
 *
 * @param format        always {@link #FORMAT}: marks the directory as a Kard index
 * @param formatVersion layout version of the index, {@link #VERSION}
 * @param luceneVersion the Lucene version that wrote it
 * @param analyzer      {@link Analyzers#NAME} at build time
 * @param k1            BM25 k1
 * @param b             BM25 b
 * @param passages      number of passages
 * @param corpusFiles   the corpus files it was built from, as given
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record IndexMetadata(String format, int formatVersion, String luceneVersion, String analyzer, float k1,
                            float b, long passages, List<String> corpusFiles) {
    public static final String FILE_NAME = "kard-index.json";
    public static final String FORMAT = "kard-lucene-bm25";
    /**
     * The layout written now: 2 (no positions, id not stored, LZ4-compressed {@code raw}). Version 1 (positions,
     * stored id, uncompressed {@code raw}) still opens and searches the same.
     */
    public static final int VERSION = 2;
    /** The oldest layout this version of Kard reads. */
    public static final int OLDEST_READABLE = 1;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public void write(Path dir) throws IOException {
        Files.write(dir.resolve(FILE_NAME), JSON.writeValueAsBytes(this));
    }

    /** Reads the metadata of {@code dir}, with a clear error when the directory is missing or not a Kard index. */
    public static IndexMetadata read(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new InvalidInputException(dir, 0, Files.exists(dir)
                    ? "not an index directory (it is a file)" : "no such index directory");
        }
        Path file = dir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException(dir, 0, "not a Kard index (no " + FILE_NAME + "); build one with kard index");
        }
        IndexMetadata meta;
        try {
            meta = JSON.readValue(Files.readAllBytes(file), IndexMetadata.class);
        } catch (JacksonException e) {
            throw new InvalidInputException(file, 0, "unreadable index metadata: " + JsonMessages.clean(e));
        }
        if (!FORMAT.equals(meta.format())) {
            throw new InvalidInputException(file, 0, "not a Kard index (format '" + meta.format() + "')");
        }
        if (meta.formatVersion() < OLDEST_READABLE || meta.formatVersion() > VERSION) {
            throw new InvalidInputException(file, 0, "index format version " + meta.formatVersion()
                    + " is not supported (this version of Kard reads " + OLDEST_READABLE + " to " + VERSION + ")"
                    + (meta.formatVersion() > VERSION ? "; it was written by a newer Kard: use that, or rebuild the"
                    + " index with this one" : "; rebuild the index"));
        }
        return meta;
    }
}
