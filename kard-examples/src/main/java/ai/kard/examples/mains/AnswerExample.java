package ai.kard.examples.mains;

import ai.kard.api.Prediction;
import ai.kard.api.Question;
import ai.kard.core.Kard;
import ai.kard.core.data.QuestionReader;
import ai.kard.core.distill.KardModel;
import ai.kard.retrieval.LuceneKnowledgeBase;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Shows answering with a saved student: open the knowledge base it was trained with, {@code Kard.load} the model
 * folder (written by {@code KardModel.save} or {@code kard distill}), answer each question and print the accuracy.
 * Both the knowledge base and the model hold native resources: close them (try-with-resources).
 *
 * <pre>java -cp kard.jar ai.kard.examples.mains.AnswerExample MODEL_DIR INDEX_DIR QUESTIONS</pre>
 */
public final class AnswerExample {
    private AnswerExample() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: AnswerExample MODEL_DIR INDEX_DIR QUESTIONS");
            System.exit(2);
        }
        List<Question> questions = QuestionReader.read(Path.of(args[2]));
        try (LuceneKnowledgeBase kb = LuceneKnowledgeBase.open(Path.of(args[1]));
             KardModel model = Kard.load(Path.of(args[0]), kb)) {  // CPU, float32
            int correct = 0;
            for (Question question : questions) {
                Prediction p = model.answer(question);
                correct += p.isCorrect(question) ? 1 : 0;
                System.out.printf(Locale.ROOT, "%s\toption=%s\tgold=%d\tpassages=%s%n", question.id(),
                        p.answered() ? p.option() : "none", question.answer(), p.passageIds());
            }
            System.out.printf(Locale.ROOT, "accuracy=%.4f n=%d%n", correct / (double) questions.size(),
                    questions.size());
        }
    }
}
