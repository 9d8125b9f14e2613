package ai.kard.bench;

import ai.kard.retrieval.Bm25Settings;
import ai.kard.retrieval.LuceneKnowledgeBase;
import ai.kard.retrieval.ProgressListener;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Throughput of the BM25 knowledge base on a generated corpus: indexing passages/s (reading JSONL included), and
 * queries/s at top-100 for question-length (~15 words) and rationale-length (~120 words) queries, on one thread
 * and on all cores.
 *
 * <p>Corpus: N passages of 80–120 words drawn from a Zipfian (s = 1) vocabulary of 100,000 synthetic words, so
 * postings lengths look like natural text; queries draw from the same distribution.
 *
 * <p>Each figure comes with the cores the process actually got while it was measured (process CPU time / wall
 * time): on a shared machine a 1-thread figure with 0.3 cores means the machine, not Kard, was the limit.
 *
 * <pre>./bench RetrievalBenchmark [--passages 1000000] [--threads all] [--seconds 5] [--keep DIR]</pre>
 */
public final class RetrievalBenchmark {
    private static final int VOCABULARY = 100_000;
    private static final int TOP = 100;

    private final double[] cumulative = new double[VOCABULARY];
    private final String[] words = new String[VOCABULARY];

    private RetrievalBenchmark() {
        double sum = 0;
        for (int i = 0; i < VOCABULARY; i++) {
            sum += 1.0 / (i + 1);
            cumulative[i] = sum;
            words[i] = word(i);
        }
        for (int i = 0; i < VOCABULARY; i++) {
            cumulative[i] /= sum;
        }
    }

    /** A pronounceable word per rank, never an English stop word (all end in 'x'). */
    private static String word(int rank) {
        String consonants = "bdfgklmnprstvz";
        String vowels = "aeiou";
        StringBuilder w = new StringBuilder();
        int x = rank;
        do {
            w.append(consonants.charAt(x % 14)).append(vowels.charAt((x / 14) % 5));
            x /= 70;
        } while (x > 0);
        return w.append('x').toString();
    }

    private String text(Random random, int n) {
        StringBuilder sb = new StringBuilder(n * 8);
        for (int i = 0; i < n; i++) {
            int idx = java.util.Arrays.binarySearch(cumulative, random.nextDouble());
            sb.append(i == 0 ? "" : " ").append(words[idx < 0 ? Math.min(-idx - 1, VOCABULARY - 1) : idx]);
        }
        return sb.toString();
    }

    public static void main(String[] args) throws Exception {
        int passages = 1_000_000;
        int threads = Runtime.getRuntime().availableProcessors();
        double seconds = 5;
        Path keep = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--passages" -> passages = Integer.parseInt(args[++i].replace("_", "").replace(",", ""));
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--keep" -> keep = Path.of(args[++i]);
                default -> {
                    System.err.println("usage: ./bench RetrievalBenchmark [--passages N] [--threads N] [--seconds S] [--keep DIR]");
                    System.exit(2);
                }
            }
        }
        new RetrievalBenchmark().run(passages, threads, seconds, keep);
    }

    private void run(int passages, int threads, double seconds, Path keep) throws Exception {
        Path work = keep != null ? Files.createDirectories(keep) : Files.createTempDirectory("kard-bench-");
        try {
            Random random = new Random(20231126);
            Path corpus = work.resolve("corpus.jsonl");
            long t0 = System.nanoTime();
            try (BufferedWriter out = Files.newBufferedWriter(corpus, StandardCharsets.UTF_8)) {
                for (int i = 0; i < passages; i++) {
                    out.write("{\"id\":\"p" + i + "\",\"title\":\"\",\"text\":\"" + text(random, 80 + random.nextInt(41)) + "\"}\n");
                }
            }
            System.err.printf("generated %,d passages (%,d MB) in %.1f s%n", passages, Files.size(corpus) >> 20,
                    (System.nanoTime() - t0) / 1e9);

            long start = System.nanoTime();
            long cpuStart = cpuNanos();
            try (LuceneKnowledgeBase kb = LuceneKnowledgeBase.build(List.of(corpus), work.resolve("index"),
                    Bm25Settings.DEFAULT, threads, ProgressListener.logging())) {
                double indexSeconds = (System.nanoTime() - start) / 1e9;
                Rate indexing = new Rate(passages / indexSeconds, (cpuNanos() - cpuStart) / 1e9 / indexSeconds);
                List<String> shortQueries = queries(random, 15, 2000);
                List<String> longQueries = queries(random, 120, 2000);
                // Warm up the JIT and the page cache on queries not measured.
                measure(kb, queries(random, 15, 300), 1, 1.0);
                measure(kb, queries(random, 120, 100), threads, 1.0);

                Rate short1 = measure(kb, shortQueries, 1, seconds);
                Rate shortN = measure(kb, shortQueries, threads, seconds);
                Rate long1 = measure(kb, longQueries, 1, seconds);
                Rate longN = measure(kb, longQueries, threads, seconds);

                System.out.printf("%nRetrievalBenchmark: %,d passages of 80-120 words (Zipf vocabulary %,d), %s, "
                                + "%d cores, Lucene BM25 %s, top-%d%n", passages, VOCABULARY, jvm(), threads,
                        kb.settings(), TOP);
                System.out.println("| measure (cores the process got) | 1 thread | " + threads + " threads |");
                System.out.println("|---|---|---|");
                System.out.printf("| indexing, passages/s (JSONL read, index, merge, commit) | - | %s |%n", indexing);
                System.out.printf("| search ~15-word queries, top-100, queries/s | %s | %s |%n", short1, shortN);
                System.out.printf("| search ~120-word queries, top-100, queries/s | %s | %s |%n", long1, longN);
            }
        } finally {
            if (keep == null) {
                try (Stream<Path> walk = Files.walk(work)) {
                    for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
    }

    private List<String> queries(Random random, int words, int n) {
        List<String> queries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            queries.add(text(random, words));
        }
        return queries;
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

    /** Queries per second, cycling through {@code queries} until at least {@code seconds} have passed. */
    private static Rate measure(LuceneKnowledgeBase kb, List<String> queries, int threads, double seconds)
            throws IOException {
        long start = System.nanoTime();
        long cpuStart = cpuNanos();
        long done = 0;
        int batch = Math.max(threads * 8, 16);
        int at = 0;
        while (System.nanoTime() - start < seconds * 1e9) {
            List<String> slice = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) {
                slice.add(queries.get(at++ % queries.size()));
            }
            if (threads == 1) {
                for (String q : slice) {
                    kb.search(q, TOP);
                }
            } else {
                kb.searchAll(slice, TOP, threads);
            }
            done += slice.size();
        }
        double wall = (System.nanoTime() - start) / 1e9;
        return new Rate(done / wall, (cpuNanos() - cpuStart) / 1e9 / wall);
    }

    private static String jvm() {
        return "Java " + System.getProperty("java.version");
    }
}
