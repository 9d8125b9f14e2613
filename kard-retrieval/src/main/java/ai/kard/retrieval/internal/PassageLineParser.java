package ai.kard.retrieval.internal;

import ai.kard.api.InvalidInputException;
import ai.kard.api.Passage;
import ai.kard.retrieval.CorpusFormat;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Locale;

/** Turns one line of a corpus file into a passage; {@code null} means "no passage on this line". */
public abstract class PassageLineParser {
    private static final ObjectMapper JSON = new ObjectMapper();

    protected final Path file;

    PassageLineParser(Path file) {
        this.file = file;
    }

    public abstract Passage parse(String line, long lineNumber) throws InvalidInputException;

    public static PassageLineParser forFormat(CorpusFormat format, Path file) {
        return switch (format) {
            case JSONL -> new Jsonl(file);
            case TSV -> new Tsv(file);
            case TEXT -> new Text(file);
            case AUTO -> throw new IllegalArgumentException("format must be resolved before parsing");
        };
    }

    /**
     * Kard {@code id,title,text}, BEIR {@code _id,title,text} or Pyserini/Anserini JsonCollection
     * {@code id,contents}; blank lines are skipped.
     */
    static final class Jsonl extends PassageLineParser {
        Jsonl(Path file) {
            super(file);
        }

        @Override
        public Passage parse(String line, long n) throws InvalidInputException {
            if (line.isBlank()) {
                return null;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (JsonProcessingException e) {
                throw new InvalidInputException(file, n, "malformed JSON: " + JsonMessages.clean(e));
            }
            if (node == null || !node.isObject()) {
                throw new InvalidInputException(file, n, "expected a JSON object");
            }
            JsonNode id = node.has("id") ? node.get("id") : node.get("_id");
            if (id == null || id.isNull()) {
                throw new InvalidInputException(file, n, "missing field 'id' (or BEIR '_id')");
            }
            if (!id.isTextual() && !id.isIntegralNumber()) {
                throw new InvalidInputException(file, n, "field 'id' must be a string or an integer, got " + id);
            }
            // Pyserini/Anserini JsonCollection keeps the passage in "contents" (no title).
            String textField = node.hasNonNull("text") || !node.hasNonNull("contents") ? "text" : "contents";
            JsonNode text = node.get(textField);
            if (text == null || text.isNull()) {
                throw new InvalidInputException(file, n, "missing field 'text' (or Pyserini 'contents')");
            }
            if (!text.isTextual()) {
                throw new InvalidInputException(file, n, "field '" + textField + "' must be a string");
            }
            JsonNode title = node.get("title");
            if (title != null && !title.isNull() && !title.isTextual()) {
                throw new InvalidInputException(file, n, "field 'title' must be a string");
            }
            return passage(id.asText(), title == null || title.isNull() ? "" : title.asText(), text.asText(), n);
        }
    }

    /** DPR: {@code id<TAB>text<TAB>title}. */
    static final class Tsv extends PassageLineParser {
        Tsv(Path file) {
            super(file);
        }

        @Override
        public Passage parse(String line, long n) throws InvalidInputException {
            if (line.isBlank()) {
                return null;
            }
            String[] fields = line.split("\t", -1);
            if (n == 1 && fields.length >= 2 && fields[0].strip().equalsIgnoreCase("id")
                    && fields[1].strip().equalsIgnoreCase("text")) {
                return null; // header
            }
            if (fields.length < 2 || fields.length > 3) {
                throw new InvalidInputException(file, n,
                        "expected id<TAB>text<TAB>title, found " + fields.length + " tab-separated field(s)");
            }
            return passage(unquote(fields[0]), fields.length == 3 ? unquote(fields[2]) : "", unquote(fields[1]), n);
        }

        private static String unquote(String field) {
            if (field.length() >= 2 && field.startsWith("\"") && field.endsWith("\"")) {
                return field.substring(1, field.length() - 1).replace("\"\"", "\"");
            }
            return field;
        }
    }

    /** One passage a line; id from the 0-based line index. */
    static final class Text extends PassageLineParser {
        Text(Path file) {
            super(file);
        }

        @Override
        public Passage parse(String line, long n) throws InvalidInputException {
            String text = line.strip();
            if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
                text = text.substring(1, text.length() - 1).strip();
            }
            if (text.isEmpty()) {
                return null;
            }
            return passage(String.format(Locale.ROOT, "F%04d", n - 1), "", text, n);
        }
    }

    Passage passage(String id, String title, String text, long n) throws InvalidInputException {
        if (id.isBlank()) {
            throw new InvalidInputException(file, n, "blank passage id");
        }
        return new Passage(id, title, text);
    }
}
