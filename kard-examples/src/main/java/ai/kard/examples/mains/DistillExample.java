package ai.kard.examples.mains;

import ai.kard.api.Prediction;
import ai.kard.api.Question;
import ai.kard.api.Rationale;
import ai.kard.core.Kard;
import ai.kard.core.data.QuestionReader;
import ai.kard.core.data.RationaleReader;
import ai.kard.core.distill.KardModel;
import ai.kard.retrieval.Bm25Settings;
import ai.kard.retrieval.LuceneKnowledgeBase;
import ai.kard.retrieval.ProgressListener;
import java.nio.file.Path;
import java.util.List;

/**
 * Shows KARD end to end: index a corpus as the knowledge base, distil a small student from a teacher's rationales
 * with one retrieved passage per prompt, answer one question, and save the student (HuggingFace layout plus
 * {@code kard.json}). The student here is the from-scratch preset {@code scratch:t5-tiny}; a HF folder or hub id
 * works the same way.
 *
 * <pre>java -cp kard.jar ai.kard.examples.mains.DistillExample CORPUS QUESTIONS RATIONALES OUT_DIR [EPOCHS]</pre>
 */
public final class DistillExample {
    private DistillExample() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: DistillExample CORPUS QUESTIONS RATIONALES OUT_DIR [EPOCHS]");
            System.exit(2);
        }
        List<Question> questions = QuestionReader.read(Path.of(args[1]));    // JSON Lines, several public forms
        List<Rationale> rationales = RationaleReader.read(Path.of(args[2])); // {"id","rationale"}, several per id
        Path out = Path.of(args[3]);
        int epochs = args.length > 4 ? Integer.parseInt(args[4]) : 3;
        try (LuceneKnowledgeBase kb = LuceneKnowledgeBase.build(List.of(Path.of(args[0])), out.resolve("index"),
                Bm25Settings.DEFAULT, 1, ProgressListener.logging());
             KardModel model = Kard.student("scratch:t5-tiny")
                     .withKnowledgeBase(kb)       // leave out for plain reasoning distillation (RD)
                     .passages(1)
                     .epochs(epochs)
                     .distillFrom(questions, rationales)) {
            Question first = questions.get(0);
            Prediction prediction = model.answer(first);  // retrieves, generates a rationale, reads the option
            System.out.println("question: " + first.text());
            System.out.println("passages: " + prediction.passageIds());
            System.out.println("output: " + prediction.output());
            System.out.println("option: " + prediction.option() + " (gold " + first.answer() + ")");
            model.save(out.resolve("model"));
            System.out.println("saved " + out.resolve("model"));
        }
    }
}
