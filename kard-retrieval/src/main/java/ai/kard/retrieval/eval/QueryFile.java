package ai.kard.retrieval.eval;

import ai.kard.api.InvalidInputException;
import ai.kard.retrieval.internal.JsonMessages;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads retrieval queries, BEIR {@code queries.jsonl}: one {@code {"_id", "text"}} object per line ({@code id}
 * accepted for {@code _id}; other fields ignored).
 */
public final class QueryFile {
    private static final ObjectMapper JSON = new ObjectMapper();

    private QueryFile() {
    }

    /**
     * Query id → query text, in file order.
     *
     * @param file the file
     * @return query id to text
     * @throws IOException when a file cannot be read or written
     */
    public static Map<String, String> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException(file, 0, "no such queries file");
        }
        Map<String, String> queries = new LinkedHashMap<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            long n = 0;
            while ((line = in.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
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
                JsonNode id = node.has("_id") ? node.get("_id") : node.get("id");
                if (id == null || !(id.isTextual() || id.isIntegralNumber())) {
                    throw new InvalidInputException(file, n, "missing field '_id'");
                }
                JsonNode text = node.get("text");
                if (text == null || !text.isTextual()) {
                    throw new InvalidInputException(file, n, "missing string field 'text'");
                }
                if (queries.put(id.asText(), text.asText()) != null) {
                    throw new InvalidInputException(file, n, "duplicate query id '" + id.asText() + "'");
                }
            }
        }
        return queries;
    }
}
