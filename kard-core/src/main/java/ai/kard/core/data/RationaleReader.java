package ai.kard.core.data;

import ai.kard.api.InvalidInputException;
import ai.kard.api.Rationale;
import ai.kard.core.internal.data.Jsonl;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads rationales. Forms, detected per line:
 * <ul>
 *   <li>Kard JSONL: {@code {"id", "rationale", "kept"?, "reason"?}} or {@code {"id", "error"}} (what
 *       {@code kard teacher} writes), several lines per question;</li>
 *   <li>released teacher files ({@code ../shared/data/*}{@code /rationales/*.jsonl.gz}): one line per question
 *       {@code {"row", "id", "rationales": [..], "finish_reasons": [..]}};</li>
 *   <li>a raw OpenAI {@code chat.completion} response ({@code {"choices": [{"message": {"content"}}]}}), one
 *       file per question as KARD's generator writes them ({@code 00042.json} is row 42; the id is resolved
 *       against the questions later).</li>
 * </ul>
 * A directory reads every {@code .json}, {@code .jsonl} and {@code .gz} file in it, sorted by name. Plain or gzip.
 */
public final class RationaleReader {
    private static final Pattern DIGITS = Pattern.compile("(\\d+)");

    private RationaleReader() {
    }

    /**
     * The usable rationales (not error lines, not dropped by a filter) of a file or directory.
     *
     * @param fileOrDir a JSON Lines file ({@code .gz} too) or a directory of them
     * @return the rationales training uses, in file order
     * @throws IOException a {@link ai.kard.api.InvalidInputException} naming the file and line of a malformed
     *         record, or a read error
     */
    public static List<Rationale> read(Path fileOrDir) throws IOException {
        List<Rationale> out = new ArrayList<>();
        for (RationaleRecord r : readRecords(fileOrDir)) {
            if (r.usable()) {
                if (r.questionId() == null) {
                    throw new InvalidInputException(fileOrDir, 0, "rationales keyed by row " + r.row()
                            + " without a question id; import them with kard import-rationales --questions");
                }
                out.add(r.toRationale());
            }
        }
        return out;
    }

    /**
     * Every record of a file or directory, error lines and dropped rationales included.
     *
     * @param fileOrDir a JSON Lines file ({@code .gz} too) or a directory of them
     * @return every record, in file order
     * @throws IOException a {@link ai.kard.api.InvalidInputException} naming the file and line of a malformed
     *         record, or a read error
     */
    public static List<RationaleRecord> readRecords(Path fileOrDir) throws IOException {
        List<RationaleRecord> out = new ArrayList<>();
        if (Files.isDirectory(fileOrDir)) {
            List<Path> files;
            try (Stream<Path> s = Files.list(fileOrDir)) {
                files = s.filter(Files::isRegularFile).filter(p -> {
                    String n = p.getFileName().toString();
                    return !n.startsWith(".") && (n.endsWith(".json") || n.endsWith(".jsonl") || n.endsWith(".gz"));
                }).sorted().toList();
            }
            if (files.isEmpty()) {
                throw new InvalidInputException(fileOrDir, 0, "no .json, .jsonl or .gz rationale files in directory");
            }
            for (Path f : files) {
                readFile(f, out);
            }
        } else {
            readFile(fileOrDir, out);
        }
        return out;
    }

    private static void readFile(Path file, List<RationaleRecord> out) throws IOException {
        ObjectNode whole = rawResponse(file);
        if (whole != null) {
            Matcher m = DIGITS.matcher(file.getFileName().toString());
            Integer row = null;
            while (m.find()) {
                row = Integer.valueOf(m.group(1));
            }
            if (row == null) {
                throw new InvalidInputException(file, 0, "a raw chat.completion file must be named by its row number, "
                        + "like 00042.json");
            }
            addChoices(file, 1, whole, null, row, out);
            return;
        }
        Jsonl.forEach(file, (node, line) -> parseObject(file, line, node, out));
    }

    /** The file as one raw chat.completion object, or null when it is JSON Lines. */
    private static ObjectNode rawResponse(Path file) throws IOException {
        if (!file.getFileName().toString().endsWith(".json") || Files.size(file) > (64 << 20)) {
            return null;
        }
        try (BufferedReader reader = Jsonl.open(file)) {
            JsonNode node = Jsonl.MAPPER.reader()
                    .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readTree(reader);
            if (node != null && node.isObject() && node.has("choices") && node.get("choices").isArray()) {
                return (ObjectNode) node;
            }
        } catch (JsonProcessingException e) {
            return null; // several objects: JSON Lines
        }
        return null;
    }

    /**
     * Parses one line (any supported form) into {@code out}; used by the teacher to check its own output.
     *
     * @param file the file it came from (for messages)
     * @param line its 1-based line
     * @param json the line: one JSON object
     * @param out  receives the line's records
     * @throws InvalidInputException naming the file, line and field when the line is not a rationale record
     */
    public static void parseLine(Path file, long line, String json, List<RationaleRecord> out)
            throws InvalidInputException {
        parseObject(file, line, Jsonl.parseObject(file, line, json), out);
    }

    private static void parseObject(Path file, long line, ObjectNode node, List<RationaleRecord> out)
            throws InvalidInputException {
        String id = Jsonl.optText(node, "id");
        Integer row = node.hasNonNull("row") && node.get("row").canConvertToInt() ? node.get("row").asInt() : null;
        if (node.has("rationales")) {
            JsonNode list = node.get("rationales");
            if (!list.isArray()) {
                throw new InvalidInputException(file, line, "field 'rationales' must be a list of strings");
            }
            if (id == null && row == null) {
                throw new InvalidInputException(file, line, "missing field 'id' (or 'row')");
            }
            JsonNode finish = node.get("finish_reasons");
            for (int i = 0; i < list.size(); i++) {
                JsonNode r = list.get(i);
                if (!r.isTextual()) {
                    throw new InvalidInputException(file, line, "field 'rationales[" + i + "]' must be a string");
                }
                String fr = finish != null && finish.isArray() && i < finish.size() ? finish.get(i).asText() : null;
                out.add(new RationaleRecord(id, row, r.asText(), null, null, null, fr));
            }
            return;
        }
        if (node.has("choices") && node.get("choices").isArray()) {
            addChoices(file, line, node, id, row, out);
            return;
        }
        if (id == null) {
            throw new InvalidInputException(file, line, "missing field 'id'");
        }
        String error = Jsonl.optText(node, "error");
        if (error != null) {
            out.add(new RationaleRecord(id, row, null, null, null, error, null));
            return;
        }
        String text = Jsonl.requireText(file, line, node, "rationale");
        JsonNode kept = node.get("kept");
        if (kept != null && !kept.isNull() && !kept.isBoolean()) {
            throw new InvalidInputException(file, line, "field 'kept' must be true or false, got " + kept);
        }
        out.add(new RationaleRecord(id, row, text, kept == null || kept.isNull() ? null : kept.asBoolean(),
                Jsonl.optText(node, "reason"), null, Jsonl.optText(node, "finish_reason")));
    }

    private static void addChoices(Path file, long line, JsonNode node, String id, Integer row,
                                   List<RationaleRecord> out) throws InvalidInputException {
        for (JsonNode choice : node.get("choices")) {
            JsonNode content = choice.path("message").path("content");
            if (!content.isTextual()) {
                content = choice.path("text"); // completions-style responses
            }
            if (!content.isTextual()) {
                throw new InvalidInputException(file, line, "field 'choices[].message.content' is missing");
            }
            out.add(new RationaleRecord(id, row, content.asText(), null, null, null,
                    Jsonl.optText(choice, "finish_reason")));
        }
    }
}
