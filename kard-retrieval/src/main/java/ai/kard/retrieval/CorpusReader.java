package ai.kard.retrieval;

import ai.kard.api.InvalidInputException;
import ai.kard.api.Passage;
import ai.kard.retrieval.internal.PassageLineParser;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Streams the passages of one corpus file (UTF-8, optionally gzipped) in any {@link CorpusFormat}. Problems are
 * {@link InvalidInputException}s naming the file and line. Not thread-safe.
 */
public final class CorpusReader implements Closeable {
    private final Path file;
    private final BufferedReader in;
    private final PassageLineParser parser;
    private long line;

    private CorpusReader(Path file, BufferedReader in, PassageLineParser parser) {
        this.file = file;
        this.in = in;
        this.parser = parser;
    }

    /**
     * Opens {@code file}; with {@link CorpusFormat#AUTO} the format comes from its name, else its first line.
     *
     * @param file the file
     * @param format the corpus format, or {@link CorpusFormat#AUTO} to detect it
     * @return the reader; the caller closes it
     * @throws IOException when a file cannot be read or written
     */
    public static CorpusReader open(Path file, CorpusFormat format) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException(file, 0, Files.exists(file) ? "not a regular file" : "no such corpus file");
        }
        CorpusFormat resolved = format == CorpusFormat.AUTO ? CorpusFormat.fromFileName(file) : format;
        if (resolved == CorpusFormat.AUTO) {
            resolved = sniff(file);
        }
        return new CorpusReader(file, reader(file), PassageLineParser.forFormat(resolved, file));
    }

    /**
     * Reads every passage of {@code file}.
     *
     * @param file the file
     * @param format the corpus format, or {@link CorpusFormat#AUTO} to detect it
     * @return the passages, in file order
     * @throws IOException when a file cannot be read or written
     */
    public static List<Passage> readAll(Path file, CorpusFormat format) throws IOException {
        List<Passage> passages = new ArrayList<>();
        try (CorpusReader reader = open(file, format)) {
            for (Passage p = reader.next(); p != null; p = reader.next()) {
                passages.add(p);
            }
        }
        return passages;
    }

    /**
     * The next passage, or {@code null} at the end of the file.
     *
     * @return the passage, or null at the end
     * @throws IOException when a file cannot be read or written
     */
    public Passage next() throws IOException {
        String text;
        while ((text = readLine()) != null) {
            line++;
            Passage passage = parser.parse(text, line);
            if (passage != null) {
                return passage;
            }
        }
        return null;
    }

    /**
     * The 1-based line of the passage last returned.
     *
     * @return the line number
     */
    public long line() {
        return line;
    }

    /**
     * The file being read.
     *
     * @return the file
     */
    public Path file() {
        return file;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private String readLine() throws IOException {
        try {
            return in.readLine();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new InvalidInputException(file, line + 1, "not valid UTF-8", e);
        }
    }

    private static BufferedReader reader(Path file) throws IOException {
        InputStream raw = Files.newInputStream(file);
        try {
            InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
            CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            return new BufferedReader(new InputStreamReader(in, decoder), 1 << 16);
        } catch (IOException e) {
            raw.close();
            throw e;
        }
    }

    /** JSONL when the first non-blank line starts with '{', TSV when it holds a tab, else one passage a line. */
    private static CorpusFormat sniff(Path file) throws IOException {
        try (BufferedReader in = reader(file)) {
            String line;
            while ((line = in.readLine()) != null) {
                String t = line.strip();
                if (t.isEmpty()) {
                    continue;
                }
                if (t.startsWith("{")) {
                    return CorpusFormat.JSONL;
                }
                return line.indexOf('\t') >= 0 ? CorpusFormat.TSV : CorpusFormat.TEXT;
            }
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(file, 0, "no such corpus file");
        }
        return CorpusFormat.TEXT;
    }
}
