package ai.kard.bench;

import ai.kard.api.KnowledgeBase;
import ai.kard.api.ScoredPassage;
import ai.kard.retrieval.Bm25Settings;
import ai.kard.retrieval.CorpusFormat;
import ai.kard.retrieval.LuceneKnowledgeBase;
import ai.kard.retrieval.ProgressListener;
import ai.kard.solr.BulkLoadOptions;
import ai.kard.solr.LocalSolrCloud;
import ai.kard.solr.SolrKnowledgeBase;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.lucene.util.IOUtils;

/**
 * The SolrCloud knowledge base against the Lucene one on the same generated corpus, in one run: indexing
 * passages/s, and queries/s at top-100 for question-length (~15 words) and rationale-length (~120 words) queries
 * on 1 and 2 client threads, side by side, plus how many answers are identical (top-100 ids, scores within 1e-4).
 *
 * <p>Solr: a {@link LocalSolrCloud} of 2 nodes in this JVM (embedded ZooKeeper, real Solr nodes on loopback), one
 * collection of 2 shards x 1 replica, loaded by {@link SolrKnowledgeBase#load} from the same JSONL file the Lucene
 * index is built from. Both share this machine's cores with each other's idle threads only, one after the other.
 *
 * <p>Corpus: N passages of 80-120 words from a Zipfian (s = 1) vocabulary of 100,000 synthetic words (the
 * distribution of {@code RetrievalBenchmark}); queries from the same distribution. Each rate comes with the cores
 * the process got while it was measured (CPU time / wall time).
 *
 * <pre>./bench SolrBenchmark [--passages 1000000] [--queries 200] [--dir DIR]</pre>
 */
public final class SolrBenchmark {
    private static final int TOP = 100;

    private final ZipfText zipf = new ZipfText();

    private SolrBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int passages = 1_000_000;
        int queries = 200;
        Path dir = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--passages" -> passages = Integer.parseInt(args[++i].replace("_", "").replace(",", ""));
                case "--queries" -> queries = Integer.parseInt(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                default -> {
                    System.err.println("usage: ./bench SolrBenchmark [--passages N] [--queries N] [--dir DIR]");
                    System.exit(2);
                }
            }
        }
        new SolrBenchmark().run(passages, queries, dir);
    }

    private void run(int passages, int queryCount, Path dir) throws Exception {
        Path work = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("kard-solr-bench-");
        try {
            Random random = new Random(20231126);
            Path corpus = work.resolve("corpus.jsonl");
            long t0 = System.nanoTime();
            try (BufferedWriter out = Files.newBufferedWriter(corpus, StandardCharsets.UTF_8)) {
                for (int i = 0; i < passages; i++) {
                    String text = zipf.text(random, 80 + random.nextInt(41));
                    out.write("{\"id\":\"p" + i + "\",\"title\":\"\",\"text\":\"" + text + "\"}\n");
                }
            }
            System.err.printf("generated %,d passages (%,d MB) in %.1f s%n", passages, Files.size(corpus) >> 20,
                    (System.nanoTime() - t0) / 1e9);
            List<String> warm = queries(random, 15, 50);
            warm.addAll(queries(random, 120, 50));
            List<String> questions = queries(random, 15, queryCount);
            List<String> rationales = queries(random, 120, queryCount);

            Row lucene;
            List<List<ScoredPassage>> luceneQuestions;
            List<List<ScoredPassage>> luceneRationales;
            long start = System.nanoTime();
            long cpu = cpuNanos();
            try (LuceneKnowledgeBase kb = LuceneKnowledgeBase.build(List.of(corpus), work.resolve("lucene"),
                    Bm25Settings.DEFAULT, 2, ProgressListener.logging())) {
                Rate indexing = rate(passages, start, cpu);
                System.err.println("lucene indexed: " + indexing);
                lucene = measure(kb, indexing, warm, questions, rationales);
                luceneQuestions = kb.searchAll(questions, TOP, 2);
                luceneRationales = kb.searchAll(rationales, TOP, 2);
            }

            Row solr;
            int sameQuestions;
            int sameRationales;
            try (LocalSolrCloud cloud = LocalSolrCloud.start(2, 0, work.resolve("solr"))) {
                start = System.nanoTime();
                cpu = cpuNanos();
                try (SolrKnowledgeBase kb = SolrKnowledgeBase.build(cloud.zkHost(), "bench", 2, 1,
                        Bm25Settings.DEFAULT, List.of(corpus), CorpusFormat.AUTO,
                        BulkLoadOptions.DEFAULT.batchSize(1000).threads(2), SolrKnowledgeBase.loggingProgress("bench"))) {
                    Rate indexing = rate(passages, start, cpu);
                    System.err.println("solr indexed: " + indexing);
                    solr = measure(kb, indexing, warm, questions, rationales);
                    sameQuestions = same(luceneQuestions, kb.searchAll(questions, TOP, 2));
                    sameRationales = same(luceneRationales, kb.searchAll(rationales, TOP, 2));
                }
            }

            System.out.printf("%nSolrBenchmark: %,d passages of 80-120 words (Zipf vocabulary %,d), Java %s, %d cores,"
                            + " BM25 %s, top-%d, %d queries of each length%n", passages, ZipfText.VOCABULARY,
                    System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                    Bm25Settings.DEFAULT, TOP, queryCount);
            System.out.println("Solr: 2-node LocalSolrCloud in this JVM, 1 collection of 2 shards x 1 replica,"
                    + " ExactStatsCache; Lucene: one LuceneKnowledgeBase index. Rates with the cores the process got.");
            System.out.println("| measure | Lucene | SolrCloud (2 shards) | Solr / Lucene |");
            System.out.println("|---|---|---|---|");
            row("indexing, passages/s (JSONL read, index, commit/merge)", lucene.indexing, solr.indexing);
            row("~15-word queries, top-100, 1 thread, queries/s", lucene.questions1, solr.questions1);
            row("~15-word queries, top-100, 2 threads, queries/s", lucene.questions2, solr.questions2);
            row("~120-word queries, top-100, 1 thread, queries/s", lucene.rationales1, solr.rationales1);
            row("~120-word queries, top-100, 2 threads, queries/s", lucene.rationales2, solr.rationales2);
            System.out.printf("identical answers (top-100 ids, scores within 1e-4): %d/%d ~15-word, %d/%d ~120-word%n",
                    sameQuestions, queryCount, sameRationales, queryCount);
        } finally {
            if (dir == null) {
                IOUtils.rm(work);
            }
        }
    }

    private static void row(String what, Rate lucene, Rate solr) {
        System.out.printf("| %s | %s | %s | %.2fx |%n", what, lucene, solr, solr.perSecond / lucene.perSecond);
    }

    private record Row(Rate indexing, Rate questions1, Rate questions2, Rate rationales1, Rate rationales2) {
    }

    private static Row measure(KnowledgeBase kb, Rate indexing, List<String> warm, List<String> questions,
                               List<String> rationales) throws IOException {
        run(kb, warm, 2);
        return new Row(indexing, run(kb, questions, 1), run(kb, questions, 2), run(kb, rationales, 1),
                run(kb, rationales, 2));
    }

    /** Searches every query once on {@code threads} client threads. */
    private static Rate run(KnowledgeBase kb, List<String> queries, int threads) throws IOException {
        long start = System.nanoTime();
        long cpu = cpuNanos();
        if (kb instanceof LuceneKnowledgeBase lucene) {
            lucene.searchAll(queries, TOP, threads);
        } else {
            ((SolrKnowledgeBase) kb).searchAll(queries, TOP, threads);
        }
        return rate(queries.size(), start, cpu);
    }

    private static int same(List<List<ScoredPassage>> expected, List<List<ScoredPassage>> actual) {
        int same = 0;
        for (int q = 0; q < expected.size(); q++) {
            List<ScoredPassage> e = expected.get(q);
            List<ScoredPassage> a = actual.get(q);
            boolean equal = e.size() == a.size();
            for (int i = 0; equal && i < e.size(); i++) {
                equal = e.get(i).id().equals(a.get(i).id()) && Math.abs(e.get(i).score() - a.get(i).score()) <= 1e-4;
            }
            same += equal ? 1 : 0;
        }
        return same;
    }

    private List<String> queries(Random random, int words, int n) {
        List<String> queries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            queries.add(zipf.text(random, words));
        }
        return queries;
    }

    private static Rate rate(long count, long startNanos, long cpuStart) {
        double wall = (System.nanoTime() - startNanos) / 1e9;
        return new Rate(count / wall, (cpuNanos() - cpuStart) / 1e9 / wall);
    }

    /** A throughput and the cores the process used meanwhile. */
    private record Rate(double perSecond, double cores) {
        @Override
        public String toString() {
            return String.format(perSecond >= 100 ? "%,.0f (%.2f cores)" : "%,.1f (%.2f cores)", perSecond, cores);
        }
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
