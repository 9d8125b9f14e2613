package ai.kard.examples.mains;

import ai.kard.api.Passage;
import ai.kard.api.Question;
import ai.kard.api.ScoredPassage;
import ai.kard.core.Kard;
import ai.kard.core.data.QuestionReader;
import ai.kard.core.data.RationaleReader;
import ai.kard.core.rerank.LateInteractionReranker;
import ai.kard.retrieval.LuceneKnowledgeBase;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Shows training KARD's reranker from a pretrained BERT-family encoder (for example
 * {@code ../shared/models/all-minilm-l6-v2}, or a hub id): it learns to rank BM25's candidates for a question the
 * way BM25 ranks them for the teacher's rationale, then reranks the first question's candidates and saves a
 * self-contained folder.
 *
 * <pre>java -cp kard.jar ai.kard.examples.mains.RerankerExample INDEX QUESTIONS RATIONALES ENCODER OUT [STEPS]</pre>
 */
public final class RerankerExample {
    private RerankerExample() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: RerankerExample INDEX_DIR QUESTIONS RATIONALES ENCODER OUT_DIR [STEPS]");
            System.exit(2);
        }
        List<Question> questions = QuestionReader.read(Path.of(args[1]));
        int steps = args.length > 5 ? Integer.parseInt(args[5]) : 200;
        try (LuceneKnowledgeBase kb = LuceneKnowledgeBase.open(Path.of(args[0]));
             LateInteractionReranker reranker = Kard.reranker(args[3])  // folder, hub id or scratch:bert-tiny
                     .maxSteps(steps)
                     .withKnowledgeBase(kb)
                     .trainOn(questions, RationaleReader.read(Path.of(args[2])))) {
            Question first = questions.get(0);
            List<Passage> candidates = kb.search(first.text(), 20).stream()   // BM25 candidates
                    .map(ScoredPassage::passage).toList();
            List<ScoredPassage> reranked = reranker.rerank(first.text(), candidates, 3);
            System.out.println("question: " + first.text());
            for (ScoredPassage p : reranked) {
                System.out.printf(Locale.ROOT, "%.4f\t%s\t%s%n", p.score(), p.id(), p.passage().title());
            }
            reranker.scorer().save(Path.of(args[4]));
            System.out.println("saved " + args[4]);
        }
    }
}
