package ai.kard.examples.cli;

import ai.kard.retrieval.Bm25Settings;
import ai.kard.retrieval.CorpusFormat;
import ai.kard.retrieval.LuceneKnowledgeBase;
import ai.kard.retrieval.ProgressListener;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code kard index}: builds a BM25 index from corpus files. */
@Command(name = "index", mixinStandardHelpOptions = true,
        description = "Build a BM25 index (Lucene) from corpus files: JSONL (id,title,text), BEIR corpus.jsonl (_id), "
                + "DPR TSV (id<TAB>text<TAB>title) or plain text (one passage per line, ids F0000, F0001, ... from line numbers).")
final class IndexCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--corpus", required = true, paramLabel = "FILE", description = "corpus file; repeat for several")
    List<Path> corpus;

    @Option(names = "--index", required = true, paramLabel = "DIR", description = "index directory (replaced atomically)")
    Path index;

    @Option(names = "--threads", paramLabel = "N", description = "indexing threads (default: all cores)")
    Integer threads;

    @Option(names = "--k1", defaultValue = "0.9", description = "BM25 k1 (default: ${DEFAULT-VALUE})")
    float k1;

    @Option(names = "--b", defaultValue = "0.4", description = "BM25 b (default: ${DEFAULT-VALUE})")
    float b;

    @Option(names = "--format", defaultValue = "auto", paramLabel = "FORMAT",
            description = "auto, jsonl, tsv or text (default: ${DEFAULT-VALUE}: from the file name, else its content)")
    String format;

    @Override
    public Integer call() throws Exception {
        Bm25Settings settings = new Bm25Settings(k1, b);
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        long start = System.nanoTime();
        try (LuceneKnowledgeBase kb = LuceneKnowledgeBase.build(corpus, CorpusFormat.parse(format), index, settings, n,
                ProgressListener.logging())) {
            double seconds = (System.nanoTime() - start) / 1e9;
            spec.commandLine().getOut().printf(Locale.ROOT,
                    "indexed %d passages into %s with %s in %.1f s (%d threads)%n",
                    kb.size(), index, settings, seconds, n);
        }
        return KardCli.OK;
    }
}
