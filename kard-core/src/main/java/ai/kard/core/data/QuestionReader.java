package ai.kard.core.data;

import ai.kard.api.InvalidInputException;
import ai.kard.api.Question;
import ai.kard.core.internal.data.Jsonl;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads multiple-choice questions from JSON Lines (plain or gzip, or one JSON array). The form is detected per
 * line, so files mixing forms read too:
 * <ul>
 *   <li>Kard: {@code {"id", "question", "options": [..], "answer": index | "C" | option text | null}}</li>
 *   <li>MedQA: {@code {"question", "options": {"A": .., ..}, "answer_idx": "C"}}</li>
 *   <li>HF multiple choice (MedQA-USMLE-4-options-hf, KARD's obqa/strategyqa files):
 *       {@code {"id", "sent1", "ending0".., "label"}}; trailing empty endings are dropped (StrategyQA pads
 *       yes/no with two empty endings)</li>
 *   <li>OpenBookQA: {@code {"id", "question": {"stem", "choices": [{"label", "text"}]}, "answerKey"}}</li>
 *   <li>StrategyQA: {@code {"qid" | "id", "question", "answer": true | false}} as options ["yes", "no"]</li>
 * </ul>
 * A line without an id gets {@code line-<n>} (its 1-based line number); the reader logs how many ids it made
 * up. Duplicate ids, a missing field or an answer outside the options fail with file, line and field. Unknown
 * fields are ignored.
 */
public final class QuestionReader {
    private static final Logger LOG = LoggerFactory.getLogger(QuestionReader.class);
    private static final int MAX_ENDINGS = 26;

    private QuestionReader() {
    }

    /**
     * Reads every question of {@code file}, in file order.
     *
     * @param file a JSON Lines file (or a JSON array) in any supported form
     * @return the questions
     * @throws IOException a {@link ai.kard.api.InvalidInputException} naming the file, line and field of a
     *         malformed record, or a read error
     */
    public static List<Question> read(Path file) throws IOException {
        List<Question> questions = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        int[] generated = {0};
        Jsonl.forEach(file, (node, line) -> {
            Question q = parse(file, line, node, generated);
            if (!ids.add(q.id())) {
                throw new InvalidInputException(file, line, "duplicate question id '" + q.id() + "'");
            }
            questions.add(q);
        });
        if (questions.isEmpty()) {
            throw new InvalidInputException(file, 0, "no questions in file");
        }
        if (generated[0] > 0) {
            LOG.warn("{}: {} of {} questions have no id; generated 'line-<n>' ids from their line numbers",
                    file, generated[0], questions.size());
        }
        return questions;
    }

    /**
     * Parses one question object in any supported form; a missing id becomes {@code line-<n>}.
     *
     * @param file the file it came from (for messages)
     * @param line its 1-based line
     * @param json the line: one JSON object
     * @return the question
     * @throws InvalidInputException naming the file, line and field when the line is not a question object
     */
    public static Question parseLine(Path file, long line, String json) throws InvalidInputException {
        return parse(file, line, Jsonl.parseObject(file, line, json), new int[1]);
    }

    /** Parses one question object; {@code generated[0]} counts ids made up from line numbers. */
    static Question parse(Path file, long line, ObjectNode node, int[] generated) throws InvalidInputException {
        String id = Jsonl.optText(node, "id");
        if (id == null) {
            id = Jsonl.optText(node, "qid");
        }
        if (id == null || id.isBlank()) {
            id = "line-" + line;
            generated[0]++;
        }
        try {
            JsonNode question = node.get("question");
            if (node.has("sent1")) {
                return hfForm(file, line, id, node);
            }
            if (question != null && question.isObject()) {
                return obqaForm(file, line, id, node, question);
            }
            if (question == null || !question.isTextual()) {
                throw new InvalidInputException(file, line, "missing field 'question' (or 'sent1'); "
                        + "expected one of the Kard, MedQA, HF, OpenBookQA or StrategyQA forms");
            }
            JsonNode options = node.get("options");
            if (options != null && options.isObject()) {
                return medqaForm(file, line, id, node, question.asText());
            }
            if (options != null && options.isArray()) {
                return kardForm(file, line, id, node, question.asText(), options);
            }
            JsonNode answer = node.get("answer");
            if (options == null && answer != null && answer.isBoolean()) {
                return new Question(id, question.asText(), List.of("yes", "no"), answer.asBoolean() ? 0 : 1);
            }
            throw new InvalidInputException(file, line, "field 'options' must be a list or an object of "
                    + "letter -> text (or 'answer' a boolean for yes/no questions)");
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(file, line, e.getMessage());
        }
    }

    private static Question kardForm(Path file, long line, String id, JsonNode node, String text, JsonNode options)
            throws InvalidInputException {
        List<String> opts = new ArrayList<>();
        for (JsonNode o : options) {
            if (!o.isTextual() && !o.isNumber()) {
                throw new InvalidInputException(file, line, "field 'options' must hold strings");
            }
            opts.add(o.asText());
        }
        JsonNode answer = node.get("answer");
        Integer index = null;
        if (answer != null && !answer.isNull()) {
            if (answer.isIntegralNumber()) {
                index = answer.asInt();
            } else if (answer.isTextual() && opts.contains(answer.asText()) && answer.asText().length() > 1) {
                index = opts.indexOf(answer.asText()); // the option's text
            } else if (answer.isTextual()) {
                index = letterIndex(file, line, "answer", answer.asText());
            } else {
                throw new InvalidInputException(file, line, "field 'answer' must be an option index or letter, got "
                        + answer);
            }
            checkRange(file, line, "answer", index, opts.size());
        }
        return new Question(id, text, opts, index);
    }

    private static Question medqaForm(Path file, long line, String id, JsonNode node, String text)
            throws InvalidInputException {
        Map<String, String> byLetter = new TreeMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = node.get("options").fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            byLetter.put(e.getKey().trim().toUpperCase(), e.getValue().asText());
        }
        List<String> letters = new ArrayList<>(byLetter.keySet());
        for (int i = 0; i < letters.size(); i++) {
            if (!letters.get(i).equals(String.valueOf(Question.letter(i)))) {
                throw new InvalidInputException(file, line, "field 'options' must have keys A, B, C.. without gaps, got "
                        + letters);
            }
        }
        List<String> opts = new ArrayList<>(byLetter.values());
        Integer index = null;
        String idx = Jsonl.optText(node, "answer_idx");
        if (idx != null) {
            index = letterIndex(file, line, "answer_idx", idx);
        } else if (Jsonl.optText(node, "answer") != null) {
            String answer = Jsonl.optText(node, "answer");
            index = opts.indexOf(answer);
            if (index < 0) {
                throw new InvalidInputException(file, line, "field 'answer' \"" + answer + "\" is none of the options");
            }
        }
        if (index != null) {
            checkRange(file, line, "answer_idx", index, opts.size());
        }
        return new Question(id, text, opts, index);
    }

    private static Question hfForm(Path file, long line, String id, JsonNode node) throws InvalidInputException {
        String text = Jsonl.requireText(file, line, node, "sent1");
        String sent2 = Jsonl.optText(node, "sent2");
        if (sent2 != null && !sent2.isBlank()) {
            text = text + " " + sent2;
        }
        List<String> opts = new ArrayList<>();
        for (int i = 0; i < MAX_ENDINGS && node.has("ending" + i); i++) {
            opts.add(Jsonl.optText(node, "ending" + i));
        }
        while (!opts.isEmpty() && (opts.get(opts.size() - 1) == null || opts.get(opts.size() - 1).isEmpty())) {
            opts.remove(opts.size() - 1);
        }
        for (int i = 0; i < opts.size(); i++) {
            if (opts.get(i) == null || opts.get(i).isEmpty()) {
                throw new InvalidInputException(file, line, "field 'ending" + i + "' is empty but later endings are not");
            }
        }
        JsonNode label = node.get("label");
        Integer index = null;
        if (label != null && !label.isNull()) {
            if (label.isIntegralNumber() || (label.isTextual() && label.asText().matches("\\d+"))) {
                index = label.asInt();
            } else {
                throw new InvalidInputException(file, line, "field 'label' must be an integer, got " + label);
            }
            checkRange(file, line, "label", index, opts.size());
        }
        return new Question(id, text, opts, index);
    }

    private static Question obqaForm(Path file, long line, String id, JsonNode node, JsonNode question)
            throws InvalidInputException {
        String stem = Jsonl.requireText(file, line, question, "stem");
        JsonNode choices = question.get("choices");
        if (choices == null || !choices.isArray()) {
            throw new InvalidInputException(file, line, "missing field 'question.choices'");
        }
        List<String> opts = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (JsonNode c : choices) {
            opts.add(Jsonl.requireText(file, line, c, "text"));
            String label = Jsonl.optText(c, "label");
            labels.add(label == null ? String.valueOf(Question.letter(labels.size())) : label.trim());
        }
        Integer index = null;
        String key = Jsonl.optText(node, "answerKey");
        if (key != null) {
            index = labels.indexOf(key.trim());
            if (index < 0) {
                throw new InvalidInputException(file, line, "field 'answerKey' \"" + key + "\" matches no choice label "
                        + labels);
            }
        }
        return new Question(id, stem, opts, index);
    }

    private static int letterIndex(Path file, long line, String field, String value) throws InvalidInputException {
        String v = value.trim();
        if (v.length() == 1 && Character.isLetter(v.charAt(0))) {
            return Character.toUpperCase(v.charAt(0)) - 'A';
        }
        if (v.matches("\\d+")) {
            return Integer.parseInt(v);
        }
        throw new InvalidInputException(file, line, "field '" + field + "' must be an option letter or index, got \""
                + value + "\"");
    }

    private static void checkRange(Path file, long line, String field, int index, int options)
            throws InvalidInputException {
        if (index < 0 || index >= options) {
            throw new InvalidInputException(file, line, "field '" + field + "' = " + index
                    + " is outside the " + options + " options");
        }
    }
}
