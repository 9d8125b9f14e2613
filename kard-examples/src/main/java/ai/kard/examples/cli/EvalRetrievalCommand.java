package ai.kard.examples.cli;

import ai.kard.retrieval.LuceneKnowledgeBase;
import ai.kard.retrieval.eval.QueryFile;
import ai.kard.retrieval.eval.Qrels;
import ai.kard.retrieval.eval.RetrievalEvaluation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kard eval-retrieval}: nDCG@10 and recall of an index on BEIR-layout queries and qrels. */
@Command(name = "eval-retrieval", mixinStandardHelpOptions = true,
        description = "Evaluate BM25 retrieval on BEIR-layout queries (queries.jsonl: _id, text) and qrels "
                + "(TSV: query-id corpus-id score). Only judged queries are asked. Last line: ndcg@10=<x> recall@100=<y>.")
final class EvalRetrievalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--index", required = true, paramLabel = "DIR")
    Path index;

    @Option(names = "--queries", required = true, paramLabel = "FILE")
    Path queries;

    @Option(names = "--qrels", required = true, paramLabel = "FILE")
    Path qrels;

    @Option(names = "--top", defaultValue = "100", paramLabel = "K",
            description = "passages retrieved per query, at least 100 (default: ${DEFAULT-VALUE})")
    int top;

    @Override
    public Integer call() throws Exception {
        if (top < 100) {
            throw new IllegalArgumentException("--top must be at least 100 (Recall@100 needs it), got " + top);
        }
        Qrels judgements = Qrels.read(qrels);
        Map<String, String> texts = QueryFile.read(queries);
        PrintWriter out = spec.commandLine().getOut();
        try (LuceneKnowledgeBase kb = LuceneKnowledgeBase.open(index)) {
            long start = System.nanoTime();
            RetrievalEvaluation e = RetrievalEvaluation.run(kb, texts, judgements, top, queries);
            double seconds = (System.nanoTime() - start) / 1e9;
            out.printf("index %s: %d passages, %s%n", index, kb.size(), kb.settings());
            out.printf("queries %d (judged), top %d, %.1f s%n", e.queries(), top, seconds);
            out.printf("nDCG@10    %.4f%n", e.ndcg10());
            out.printf("Recall@1   %.4f%n", e.recall1());
            out.printf("Recall@10  %.4f%n", e.recall10());
            out.printf("Recall@100 %.4f%n", e.recall100());
            if (top != 100) {
                out.printf("Recall@%d %.4f%n", top, e.recallTop());
            }
            out.printf("ndcg@10=%.4f recall@100=%.4f%n", e.ndcg10(), e.recall100());
        }
        return KardCli.OK;
    }
}
