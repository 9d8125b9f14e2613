package ai.kard.core.data;

import ai.kard.api.Prediction;
import ai.kard.api.Question;
import ai.kard.core.internal.data.Jsonl;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes predictions as in architecture.md: {@code {"id", "prediction": index | null, "answer": letter | null,
 * "correct": bool | null, "rationale", "passages": [ids]}}, plus {@code "gold"} (the gold index) when known.
 * {@code correct} is null when the question is unknown or unlabelled.
 */
public final class PredictionWriter {
    private PredictionWriter() {
    }

    /**
     * One prediction as one JSON line; {@code question} may be null.
     *
     * @param p the prediction
     * @param question its question (for the gold answer), or null
     * @return one JSON line
     */
    public static String line(Prediction p, Question question) {
        ObjectNode node = Jsonl.MAPPER.createObjectNode();
        node.put("id", p.questionId());
        if (p.option() == null) {
            node.putNull("prediction");
            node.putNull("answer");
        } else {
            node.put("prediction", p.option().intValue());
            node.put("answer", String.valueOf(Question.letter(p.option())));
        }
        if (question == null || question.answer() == null) {
            node.putNull("correct");
        } else {
            node.put("correct", p.isCorrect(question));
            node.put("gold", question.answer().intValue());
        }
        node.put("rationale", p.output());
        ArrayNode passages = node.putArray("passages");
        p.passageIds().forEach(passages::add);
        return Jsonl.toLine(node);
    }

    /**
     * Writes all predictions atomically; {@code questions} maps ids to questions for the correctness fields.
     *
     * @param file the file to write (replaced atomically)
     * @param predictions the predictions
     * @param questions the questions by id (for the gold answer)
     * @throws IOException when a file cannot be read or written
     */
    public static void write(Path file, List<Prediction> predictions, Map<String, Question> questions)
            throws IOException {
        List<String> lines = new ArrayList<>(predictions.size());
        for (Prediction p : predictions) {
            lines.add(line(p, questions.get(p.questionId())));
        }
        Jsonl.writeAtomically(file, lines);
    }
}
