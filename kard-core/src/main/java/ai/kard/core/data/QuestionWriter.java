package ai.kard.core.data;

import ai.kard.api.Question;
import ai.kard.core.internal.data.Jsonl;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes questions in Kard's JSONL form {@code {"id", "question", "options", "answer": index | null}}. */
public final class QuestionWriter {
    private QuestionWriter() {
    }

    /**
     * One question as one JSON line.
     *
     * @param q the question
     * @return one JSON line
     */
    public static String line(Question q) {
        ObjectNode node = Jsonl.MAPPER.createObjectNode();
        node.put("id", q.id());
        node.put("question", q.text());
        ArrayNode options = node.putArray("options");
        q.options().forEach(options::add);
        if (q.answer() == null) {
            node.putNull("answer");
        } else {
            node.put("answer", q.answer().intValue());
        }
        return Jsonl.toLine(node);
    }

    /**
     * Writes all questions atomically.
     *
     * @param file the file to write (replaced atomically)
     * @param questions the questions
     * @throws IOException when a file cannot be read or written
     */
    public static void write(Path file, List<Question> questions) throws IOException {
        List<String> lines = new ArrayList<>(questions.size());
        questions.forEach(q -> lines.add(line(q)));
        Jsonl.writeAtomically(file, lines);
    }
}
