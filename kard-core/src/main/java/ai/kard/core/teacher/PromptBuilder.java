package ai.kard.core.teacher;

import ai.kard.api.InvalidInputException;
import ai.kard.api.Question;
import ai.kard.core.data.QuestionReader;
import ai.kard.core.internal.data.Jsonl;
import ai.kard.core.teacher.ChatCompletionsClient.Message;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The teacher prompt of KARD's rationale generation: an instruction, few-shot exemplars
 * {@code Question / (A) .. (B) .. / Answer: (X) / Explanation: ...}, then the question with its GOLD answer and
 * {@code Explanation:}. The teacher explains a known answer; it is asked to end with "So the answer is (X)", the
 * form {@link ai.kard.core.answer.AnswerExtractor} reads back when filtering.
 */
public final class PromptBuilder {
    static final String SYSTEM = "You are an expert teacher. You are given a multiple-choice question together with "
            + "its correct answer. Write a concise step-by-step explanation that uses the relevant knowledge to show "
            + "why that answer is correct and the other options are not. Do not refer to other questions. End with "
            + "\"So the answer is (X) <option text>.\"";

    /** Kinds of question with their own default exemplars. */
    public enum TaskType {
        /** Clinical vignettes (MedQA). */
        MEDICAL("medical.jsonl"),
        /** Yes/no questions (StrategyQA). */
        YES_NO("yesno.jsonl"),
        /** Science and everything else (OpenBookQA). */
        SCIENCE("science.jsonl");

        private final String resource;

        TaskType(String resource) {
            this.resource = resource;
        }

        /**
         * yes/no options -> YES_NO; long clinical vignettes (mean stem over 250 chars) -> MEDICAL; else SCIENCE.
         *
         * @param questions the questions to generate rationales for
         * @return the task type
         */
        public static TaskType detect(List<Question> questions) {
            if (!questions.isEmpty() && questions.stream().allMatch(q -> q.options().size() == 2
                    && q.options().get(0).equalsIgnoreCase("yes") && q.options().get(1).equalsIgnoreCase("no"))) {
                return YES_NO;
            }
            double meanLength = questions.stream().mapToInt(q -> q.text().length()).average().orElse(0);
            return meanLength > 250 ? MEDICAL : SCIENCE;
        }
    }

    /**
     * One worked example: a labelled question and its explanation.
     *
     * @param question  the question, with its gold answer
     * @param rationale the explanation of the gold answer
     */
    public record Exemplar(Question question, String rationale) {
        /**
         * Checks that the question has a gold answer and the rationale is not blank.
         *
         * @param question  the question, with its gold answer
         * @param rationale the explanation of the gold answer
         */
        public Exemplar {
            Objects.requireNonNull(question, "question");
            if (question.answer() == null) {
                throw new IllegalArgumentException("exemplar " + question.id() + " has no gold answer");
            }
            if (rationale == null || rationale.isBlank()) {
                throw new IllegalArgumentException("exemplar " + question.id() + " has no rationale");
            }
        }
    }

    private final List<Exemplar> exemplars;

    /**
     * A builder with the given few-shot exemplars.
     *
     * @param exemplars the exemplars, in prompt order
     */
    public PromptBuilder(List<Exemplar> exemplars) {
        this.exemplars = List.copyOf(exemplars);
    }

    /**
     * A builder with the bundled exemplars for {@code type}.
     *
     * @param type the kind of task
     * @return the builder
     */
    public static PromptBuilder forTask(TaskType type) {
        try (InputStream in = PromptBuilder.class.getResourceAsStream(type.resource)) {
            if (in == null) {
                throw new IllegalStateException("bundled exemplars " + type.resource + " missing from the jar");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            return new PromptBuilder(readExemplars(reader, Path.of(type.resource)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read bundled exemplars " + type.resource, e);
        }
    }

    /**
     * Reads exemplars: question JSONL (any form {@link QuestionReader} reads, with a gold answer) plus "rationale".
     *
     * @param file the exemplar file
     * @return the exemplars
     * @throws IOException when a file cannot be read or written
     */
    public static List<Exemplar> readExemplars(Path file) throws IOException {
        try (BufferedReader reader = Jsonl.open(file)) {
            return readExemplars(reader, file);
        }
    }

    private static List<Exemplar> readExemplars(BufferedReader reader, Path file) throws IOException {
        List<Exemplar> out = new ArrayList<>();
        Jsonl.forEach(reader, file, (node, line) -> {
            Question q = QuestionReader.parseLine(file, line, node.toString());
            String rationale = Jsonl.requireText(file, line, node, "rationale");
            if (q.answer() == null) {
                throw new InvalidInputException(file, line, "few-shot exemplar needs a gold 'answer'");
            }
            out.add(new Exemplar(q, rationale));
        });
        if (out.isEmpty()) {
            throw new InvalidInputException(file, 0, "no few-shot exemplars in file");
        }
        return out;
    }

    /**
     * The few-shot exemplars.
     *
     * @return the exemplars
     */
    public List<Exemplar> exemplars() {
        return exemplars;
    }

    /**
     * The chat messages asking for an explanation of {@code question}'s gold answer.
     *
     * @param question the question, with its gold answer
     * @return the system, few-shot and question messages
     */
    public List<Message> messages(Question question) {
        if (question.answer() == null) {
            throw new IllegalArgumentException("question " + question.id() + " has no gold answer to explain");
        }
        StringBuilder user = new StringBuilder();
        for (Exemplar e : exemplars) {
            block(user, e.question());
            user.append(' ').append(e.rationale().strip()).append("\n\n");
        }
        block(user, question);
        return List.of(new Message("system", SYSTEM), new Message("user", user.toString()));
    }

    private static void block(StringBuilder sb, Question q) {
        sb.append("Question: ").append(q.text().strip()).append('\n');
        for (int i = 0; i < q.options().size(); i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append('(').append(Question.letter(i)).append(") ").append(q.options().get(i).strip());
        }
        sb.append("\nAnswer: (").append(q.answerLetter()).append(")\nExplanation:");
    }
}
