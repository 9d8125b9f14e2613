package ai.kard.examples.mains;

import ai.kard.api.ScoredPassage;
import ai.kard.retrieval.Bm25Settings;
import ai.kard.retrieval.LuceneKnowledgeBase;
import ai.kard.retrieval.ProgressListener;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Shows the plain knowledge base: index a corpus (JSON Lines {@code {"id","title","text"}}, BEIR, Pyserini
 * {@code {"id","contents"}}, DPR TSV or plain text) with Lucene BM25 (k1 0.9, b 0.4) and search it. No neural model.
 *
 * <pre>java -cp kard.jar ai.kard.examples.mains.SearchExample CORPUS INDEX_DIR "QUERY" [TOP]</pre>
 *
 * Prints one line per hit: rank, score, passage id, title.
 */
public final class SearchExample {
    private SearchExample() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: SearchExample CORPUS INDEX_DIR QUERY [TOP]");
            System.exit(2);
        }
        Path corpus = Path.of(args[0]);
        Path indexDir = Path.of(args[1]);
        int top = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        // build() writes the index (one thread here) and returns it open; open(indexDir) reopens it later.
        try (LuceneKnowledgeBase kb = LuceneKnowledgeBase.build(List.of(corpus), indexDir, Bm25Settings.DEFAULT, 1,
                ProgressListener.logging())) {
            System.out.printf(Locale.ROOT, "%d passages, %s%n", kb.size(), kb.settings());
            List<ScoredPassage> hits = kb.search(args[2], top);
            for (int i = 0; i < hits.size(); i++) {
                ScoredPassage hit = hits.get(i);
                System.out.printf(Locale.ROOT, "%d\t%.4f\t%s\t%s%n", i + 1, hit.score(), hit.id(),
                        hit.passage().title());
            }
        }
    }
}
