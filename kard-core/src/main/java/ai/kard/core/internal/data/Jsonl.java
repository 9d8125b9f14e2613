package ai.kard.core.internal.data;

import ai.kard.api.InvalidInputException;
import ai.kard.retrieval.internal.JsonMessages;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * JSON Lines plumbing shared by the readers and writers: one ObjectMapper, gzip detected by its magic bytes
 * (not the file name, so a renamed file still reads), per-line parse errors with file and line, atomic writes.
 * Internal: not part of the public API.
 */
public final class Jsonl {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Jsonl() {
    }

    /** Receives one parsed object with its 1-based line number. */
    @FunctionalInterface
    public interface LineHandler {
        void accept(ObjectNode node, long line) throws IOException;
    }

    /** Opens a file for reading, transparently un-gzipping it. */
    public static BufferedReader open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        if (b1 == 0x1f && b2 == 0x8b) {
            in = new GZIPInputStream(in, 1 << 16);
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    }

    /**
     * Calls {@code handler} for every non-blank line; a line that is not a JSON object is an
     * {@link InvalidInputException} naming the file and line. A file whose first character is '[' is read as
     * one JSON array of objects (line = element number), the pretty-printed form some datasets ship.
     */
    public static void forEach(Path file, LineHandler handler) throws IOException {
        try (BufferedReader reader = open(file)) {
            forEach(reader, file, handler);
        }
    }

    /** As {@link #forEach(Path, LineHandler)} over an open reader; {@code file} names it in error messages. */
    public static void forEach(BufferedReader reader, Path file, LineHandler handler) throws IOException {
        try {
            reader.mark(1 << 15);
            int first;
            do {
                first = reader.read();
            } while (first == ' ' || first == '\n' || first == '\r' || first == '\t' || first == 0xFEFF);
            reader.reset();
            if (first == '[') {
                readArray(file, reader, handler);
                return;
            }
            String text;
            long line = 0;
            while ((text = reader.readLine()) != null) {
                line++;
                if (line == 1 && text.startsWith("\uFEFF")) {
                    text = text.substring(1);
                }
                if (text.isBlank()) {
                    continue;
                }
                handler.accept(parseObject(file, line, text), line);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static void readArray(Path file, BufferedReader reader, LineHandler handler) throws IOException {
        JsonNode root;
        try {
            root = MAPPER.readTree(reader);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(file, e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
                    "malformed JSON array: " + JsonMessages.clean(e));
        }
        long index = 0;
        for (JsonNode element : root) {
            index++;
            if (!element.isObject()) {
                throw new InvalidInputException(file, index, "array element " + index + " is not a JSON object");
            }
            handler.accept((ObjectNode) element, index);
        }
    }

    /** Parses one line as a JSON object, or fails naming the file and line. */
    public static ObjectNode parseObject(Path file, long line, String text) throws InvalidInputException {
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException(file, line, "malformed JSON: " + JsonMessages.clean(e));
        }
        if (node == null || !node.isObject()) {
            throw new InvalidInputException(file, line, "expected a JSON object, got "
                    + (node == null ? "nothing" : node.getNodeType().toString().toLowerCase()));
        }
        return (ObjectNode) node;
    }

    /** A required non-blank string field. */
    public static String requireText(Path file, long line, JsonNode node, String field) throws InvalidInputException {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidInputException(file, line, "missing field '" + field + "'");
        }
        if (!value.isTextual() && !value.isNumber()) {
            throw new InvalidInputException(file, line, "field '" + field + "' must be a string, got "
                    + value.getNodeType().toString().toLowerCase());
        }
        return value.asText();
    }

    /** An optional string field (numbers are accepted and rendered as text), or null. */
    public static String optText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.isContainerNode() ? null : value.asText();
    }

    /**
     * Writes {@code lines} (each one JSON document, without newline) to {@code file} atomically: a temp file in
     * the same directory renamed over the target, so readers never see a half-written file. Gzips when the
     * name ends with .gz.
     */
    public static void writeAtomically(Path file, List<String> lines) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // not Files.createTempFile: its owner-only permissions would survive the rename
        Path tmp = dir.resolve("." + file.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".tmp");
        try {
            try (OutputStream raw = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 OutputStream out = file.getFileName().toString().endsWith(".gz")
                         ? new GZIPOutputStream(raw, 1 << 16) : new java.io.BufferedOutputStream(raw, 1 << 16)) {
                for (String line : lines) {
                    out.write(line.getBytes(StandardCharsets.UTF_8));
                    out.write('\n');
                }
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Serialises a node on one line. */
    public static String toLine(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise JSON", e);
        }
    }
}
