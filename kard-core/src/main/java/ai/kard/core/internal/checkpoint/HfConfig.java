package ai.kard.core.internal.checkpoint;

import ai.kard.core.checkpoint.CheckpointException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A HuggingFace {@code config.json}: typed getters with defaults, errors that name the file and key.
 * Architectures read their sizes from here and apply HF's defaults for absent keys themselves.
 */
public final class HfConfig {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final ObjectNode root;
    private final Path source;

    private HfConfig(ObjectNode root, Path source) {
        this.root = root;
        this.source = source;
    }

    /** Reads {@code config.json} (or the file given). */
    public static HfConfig read(Path file) throws IOException {
        Path json = Files.isDirectory(file) ? file.resolve("config.json") : file;
        if (!Files.isRegularFile(json)) {
            throw new CheckpointException(json, "no config.json: not a HuggingFace model folder");
        }
        JsonNode node;
        try {
            node = JSON.readTree(json.toFile());
        } catch (IOException e) {
            throw new CheckpointException(json, "not valid JSON: " + e.getMessage(), e);
        }
        if (!(node instanceof ObjectNode object)) {
            throw new CheckpointException(json, "expected a JSON object");
        }
        return new HfConfig(object, json);
    }

    /** A config built in code (from-scratch models); {@code fields} alternate key, value. */
    public static HfConfig of(Object... fields) {
        if (fields.length % 2 != 0) {
            throw new IllegalArgumentException("fields must alternate key and value");
        }
        ObjectNode node = JSON.createObjectNode();
        for (int i = 0; i < fields.length; i += 2) {
            node.set((String) fields[i], JSON.valueToTree(fields[i + 1]));
        }
        return new HfConfig(node, null);
    }

    /** A copy with {@code key} set to {@code value}. */
    public HfConfig with(String key, Object value) {
        ObjectNode copy = root.deepCopy();
        copy.set(key, JSON.valueToTree(value));
        return new HfConfig(copy, source);
    }

    public String modelType() throws CheckpointException {
        return requireString("model_type");
    }

    public boolean has(String key) {
        JsonNode value = root.get(key);
        return value != null && !value.isNull();
    }

    public int getInt(String key, int defaultValue) throws CheckpointException {
        return has(key) ? requireInt(key) : defaultValue;
    }

    public int requireInt(String key) throws CheckpointException {
        JsonNode value = require(key);
        if (!value.canConvertToInt() || !value.isIntegralNumber()) {
            throw error(key, "expected an integer, found " + value);
        }
        return value.intValue();
    }

    public double getDouble(String key, double defaultValue) throws CheckpointException {
        if (!has(key)) {
            return defaultValue;
        }
        JsonNode value = root.get(key);
        if (!value.isNumber()) {
            throw error(key, "expected a number, found " + value);
        }
        return value.doubleValue();
    }

    public boolean getBoolean(String key, boolean defaultValue) throws CheckpointException {
        if (!has(key)) {
            return defaultValue;
        }
        JsonNode value = root.get(key);
        if (!value.isBoolean()) {
            throw error(key, "expected true or false, found " + value);
        }
        return value.booleanValue();
    }

    public Optional<String> getString(String key) throws CheckpointException {
        if (!has(key)) {
            return Optional.empty();
        }
        JsonNode value = root.get(key);
        if (!value.isTextual()) {
            throw error(key, "expected a string, found " + value);
        }
        return Optional.of(value.textValue());
    }

    public String requireString(String key) throws CheckpointException {
        return getString(key).orElseThrow(() -> error(key, "missing"));
    }

    /** The raw JSON, for keys without a typed getter. Do not modify. */
    public JsonNode json() {
        return root;
    }

    /** Where this config was read from, or null when built in code. */
    public Path source() {
        return source;
    }

    /** Writes {@code config.json} into {@code folder} atomically. */
    public void write(Path folder) throws IOException {
        AtomicFiles.write(folder.resolve("config.json"), JSON.writeValueAsBytes(root));
    }

    private JsonNode require(String key) throws CheckpointException {
        if (!has(key)) {
            throw error(key, "missing");
        }
        return root.get(key);
    }

    private CheckpointException error(String key, String problem) {
        return new CheckpointException(source == null ? Path.of("config.json") : source,
                "key \"" + key + "\": " + problem);
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
