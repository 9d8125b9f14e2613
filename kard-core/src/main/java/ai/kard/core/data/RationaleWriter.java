package ai.kard.core.data;

import ai.kard.core.internal.data.Jsonl;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes rationale JSONL: {@code {"id", "rationale"}} plus the optional {@code kept}, {@code reason} and
 * {@code finish_reason} (only when it is not "stop"), or {@code {"id", "error"}} for a failed question.
 * {@link RationaleReader} reads it back unchanged.
 */
public final class RationaleWriter {
    private RationaleWriter() {
    }

    /**
     * One record as one JSON line (no newline).
     *
     * @param r the record
     * @return one JSON line
     */
    public static String line(RationaleRecord r) {
        ObjectNode node = Jsonl.MAPPER.createObjectNode();
        node.put("id", r.questionId());
        if (r.row() != null) {
            node.put("row", r.row());
        }
        if (r.isError()) {
            node.put("error", r.error());
            return Jsonl.toLine(node);
        }
        node.put("rationale", r.text());
        if (r.kept() != null) {
            node.put("kept", r.kept());
        }
        if (r.reason() != null) {
            node.put("reason", r.reason());
        }
        if (r.finishReason() != null && !"stop".equals(r.finishReason())) {
            node.put("finish_reason", r.finishReason());
        }
        return Jsonl.toLine(node);
    }

    /**
     * Writes all records to {@code file} atomically (gzip when the name ends with .gz).
     *
     * @param file the file to write (replaced atomically)
     * @param records the records
     * @throws IOException when a file cannot be read or written
     */
    public static void write(Path file, List<RationaleRecord> records) throws IOException {
        List<String> lines = new ArrayList<>(records.size());
        for (RationaleRecord r : records) {
            if (r.questionId() == null) {
                throw new IllegalArgumentException("rationale for row " + r.row() + " has no question id");
            }
            lines.add(line(r));
        }
        Jsonl.writeAtomically(file, lines);
    }
}
