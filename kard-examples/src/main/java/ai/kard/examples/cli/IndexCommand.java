package ai.kard.examples.cli;

import ai.kard.api.InvalidSettingException;
import ai.kard.retrieval.Bm25Settings;
import ai.kard.retrieval.CorpusFormat;
import ai.kard.retrieval.LuceneKnowledgeBase;
import ai.kard.retrieval.ProgressListener;
import ai.kard.solr.BulkLoadOptions;
import ai.kard.solr.SolrKnowledgeBase;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code kard index}: builds a BM25 index from corpus files. */
@Command(name = "index", mixinStandardHelpOptions = true,
        description = "Build a BM25 index (Lucene, or a SolrCloud collection with --solr/--collection) from corpus files: JSONL (id,title,text), BEIR corpus.jsonl (_id), "
                + "DPR TSV (id<TAB>text<TAB>title) or plain text (one passage per line, ids F0000, F0001, ... from line numbers).")
final class IndexCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--corpus", required = true, paramLabel = "FILE", description = "corpus file; repeat for several")
    List<Path> corpus;

    @Option(names = "--index", paramLabel = "DIR", description = "index directory (replaced atomically); or --solr/--collection")
    Path index;

    @Mixin
    SolrOptions knowledgeBase;

    @Option(names = "--shards", paramLabel = "N", description = "with --solr: shards of the new collection (default: 1)")
    Integer shards;

    @Option(names = "--replicas", paramLabel = "R", description = "with --solr: replicas of each shard (default: 1)")
    Integer replicas;

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
        knowledgeBase.check(index, true);
        if (!knowledgeBase.given() && (shards != null || replicas != null)) {
            throw new InvalidSettingException((shards != null ? "--shards" : "--replicas") + " goes with --solr");
        }
        if (knowledgeBase.given()) {
            int s = shards == null ? 1 : shards;
            int r = replicas == null ? 1 : replicas;
            try (SolrKnowledgeBase kb = SolrKnowledgeBase.build(knowledgeBase.solr, knowledgeBase.collection, s, r,
                    settings, corpus, CorpusFormat.parse(format), BulkLoadOptions.DEFAULT.threads(n),
                    SolrKnowledgeBase.loggingProgress(knowledgeBase.collection))) {
                double seconds = (System.nanoTime() - start) / 1e9;
                spec.commandLine().getOut().printf(Locale.ROOT, "indexed %d passages into collection %s on %s (%d shards x %d"
                        + " replicas) with %s in %.1f s (%d threads)%n", kb.size(), kb.collection(), kb.cluster(), s, r,
                        settings, seconds, n);
            }
            return KardCli.OK;
        }
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
