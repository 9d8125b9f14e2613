package ai.kard.bench;

import ai.kard.api.ScoredPassage;
import ai.kard.retrieval.Bm25Settings;
import ai.kard.retrieval.LuceneKnowledgeBase;
import ai.kard.retrieval.ProgressListener;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * BM25 throughput of {@link LuceneKnowledgeBase} side by side with Anserini 1.5.0 on the same generated corpus and
 * queries, measured in one run and interleaved (Kard, Anserini, Kard, ...) so that load from other processes hits
 * both alike: indexing passages/s and index size, and queries/s at top-100 for question-length (2–6 words) and
 * rationale-length (100–140 words) queries on 1 and N threads. Every figure is the median of {@code --repeats}
 * runs, with the cores the process got meanwhile (CPU time / wall time). Top-10 ids and scores of both are compared
 * on a sample of queries.
 *
 * <p>Corpus: passages of 80–120 words drawn from a Zipfian (s = 1) vocabulary of 100,000 synthetic words (never
 * English stop words), so postings lengths look like natural text; queries draw from the same distribution. The
 * corpus is written twice with the same texts, as Kard JSONL ({@code id, title, text}) and as Anserini's
 * JsonCollection ({@code id, contents}), in {@value #PARTS} files each (Anserini indexes one file per thread).
 *
 * <p>Anserini needs Java 21+, Kard is a Java 17 library, so Anserini runs in a child JVM: the {@code bench}
 * script resolves {@code io.anserini:anserini:1.5.0:fatjar} with Maven into {@code kard-bench/target/anserini/},
 * finds a Java 21+ JDK and passes both here as system properties; the child is the single-file program
 * {@code kard-bench/src/anserini/AnseriniSide.java} (Anserini's IndexCollection with its defaults, and its
 * SimpleSearcher). Without them, or with {@code --anserini none}, only Kard is measured.
 *
 * <pre>./bench RetrievalBenchmark [--passages 1000000] [--threads 2] [--seconds 5] [--repeats 3] [--work DIR]
 *     [--keep] [--anserini none]</pre>
 */
public final class RetrievalBenchmark {
    private static final int TOP = 100;
    private static final int PARTS = 8;
    private static final int QUERIES = 2000;
    private static final int CHECKED = 500;

    private final ZipfText zipf = new ZipfText();

    private RetrievalBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--passages" -> o.passages = Integer.parseInt(args[++i].replace("_", "").replace(",", ""));
                case "--threads" -> o.threads = Integer.parseInt(args[++i]);
                case "--seconds" -> o.seconds = Double.parseDouble(args[++i]);
                case "--repeats" -> o.repeats = Integer.parseInt(args[++i]);
                case "--work" -> o.work = Path.of(args[++i]);
                case "--keep" -> o.keep = true;
                case "--anserini" -> o.anseriniJar = "none".equals(args[++i]) ? null : args[i];
                default -> {
                    System.err.println("usage: ./bench RetrievalBenchmark [--passages N] [--threads N] [--seconds S]"
                            + " [--repeats R] [--work DIR] [--keep] [--anserini none]");
                    System.exit(2);
                }
            }
        }
        if (o.passages < 1 || o.threads < 1 || o.repeats < 1 || !(o.seconds > 0)) {
            System.err.println("RetrievalBenchmark: --passages, --threads, --repeats and --seconds must be positive");
            System.exit(2);
        }
        new RetrievalBenchmark().run(o);
    }

    /** Command-line settings. */
    private static final class Options {
        int passages = 1_000_000;
        int threads = 2;
        double seconds = 5;
        int repeats = 3;
        Path work;
        boolean keep;
        String anseriniJar = System.getProperty("kard.bench.anserini.jar");
        String anseriniJava = System.getProperty("kard.bench.anserini.java");
        String anseriniSource = System.getProperty("kard.bench.anserini.source");
    }

    private void run(Options o) throws Exception {
        Path work = o.work != null ? Files.createDirectories(o.work) : Files.createTempDirectory("kard-bench-");
        String loadBefore = loadAverage();
        try (Anserini anserini = o.anseriniJar == null ? null : Anserini.start(o, work)) {
            if (anserini == null) {
                System.err.println("bench: Anserini not available (no -Dkard.bench.anserini.jar or --anserini none);"
                        + " measuring Kard only");
            }
            Random random = new Random(20231126);
            Path kardCorpus = Files.createDirectories(work.resolve("corpus-kard"));
            Path anseriniCorpus = Files.createDirectories(work.resolve("corpus-anserini"));
            long t0 = System.nanoTime();
            List<Path> kardFiles = writeCorpus(random, o.passages, kardCorpus, anseriniCorpus);
            System.err.printf("generated %,d passages in %.1f s%n", o.passages, (System.nanoTime() - t0) / 1e9);
            List<String> shortQueries = queries(random, 2, 6, QUERIES);
            List<String> longQueries = queries(random, 100, 140, QUERIES);
            List<String> warmup = new ArrayList<>(queries(random, 2, 6, 300));
            warmup.addAll(queries(random, 100, 140, 100));
            Path shortFile = Files.write(work.resolve("queries-short.txt"), shortQueries);
            Path longFile = Files.write(work.resolve("queries-long.txt"), longQueries);
            Path warmupFile = Files.write(work.resolve("queries-warmup.txt"), warmup);

            // Indexing, interleaved: each build replaces the previous one.
            Path kardIndex = work.resolve("index-kard");
            Path anseriniIndex = work.resolve("index-anserini");
            List<Rate> kardIndexing = new ArrayList<>();
            List<Rate> anseriniIndexing = new ArrayList<>();
            for (int r = 0; r < o.repeats; r++) {
                deleteRecursively(kardIndex);
                long start = System.nanoTime();
                long cpu = cpuNanos();
                try (LuceneKnowledgeBase kb = LuceneKnowledgeBase.build(kardFiles, kardIndex, Bm25Settings.DEFAULT,
                        o.threads, ProgressListener.NONE)) {
                    double wall = (System.nanoTime() - start) / 1e9;
                    kardIndexing.add(new Rate(o.passages / wall, (cpuNanos() - cpu) / 1e9 / wall));
                }
                System.err.printf("round %d: Kard indexing %s passages/s%n", r + 1, last(kardIndexing));
                if (anserini != null) {
                    deleteRecursively(anseriniIndex);
                    double[] reply = anserini.call("index " + anseriniCorpus + " " + anseriniIndex + " " + o.threads);
                    anseriniIndexing.add(new Rate(o.passages / reply[0], reply[1] / reply[0]));
                    System.err.printf("round %d: Anserini indexing %s passages/s%n", r + 1, last(anseriniIndexing));
                }
            }
            long kardBytes = directorySize(kardIndex);
            long anseriniBytes = anserini == null ? 0 : directorySize(anseriniIndex);

            try (LuceneKnowledgeBase kb = LuceneKnowledgeBase.open(kardIndex)) {
                if (anserini != null) {
                    anserini.call("open " + anseriniIndex);
                }
                measure(kb, warmup, o.threads, Math.max(2, o.seconds));
                if (anserini != null) {
                    anserini.call("search " + warmupFile + " " + o.threads + " " + Math.max(2, o.seconds) + " " + TOP);
                }
                String parity = anserini == null ? null : parity(kb, anserini, work, shortQueries, longQueries);

                int[] threadCounts = o.threads == 1 ? new int[] {1} : new int[] {1, o.threads};
                List<String> rows = new ArrayList<>();
                for (int lengthIndex = 0; lengthIndex < 2; lengthIndex++) {
                    List<String> queries = lengthIndex == 0 ? shortQueries : longQueries;
                    Path file = lengthIndex == 0 ? shortFile : longFile;
                    String what = lengthIndex == 0 ? "question-length queries (2-6 words)"
                            : "rationale-length queries (100-140 words)";
                    for (int threads : threadCounts) {
                        List<Rate> kard = new ArrayList<>();
                        List<Rate> other = new ArrayList<>();
                        for (int r = 0; r < o.repeats; r++) {
                            // Alternate who goes first, so that a burst of load hits neither side only.
                            if (r % 2 == 1 && anserini != null) {
                                other.add(anserini.search(file, threads, o.seconds));
                            }
                            kard.add(measure(kb, queries, threads, o.seconds));
                            if (r % 2 == 0 && anserini != null) {
                                other.add(anserini.search(file, threads, o.seconds));
                            }
                        }
                        rows.add(row(what + ", top-" + TOP + ", " + threads + (threads == 1 ? " thread" : " threads")
                                + ", queries/s", other, kard));
                    }
                }
                rows.add(row("indexing, " + o.threads + " threads, passages/s (whole build)", anseriniIndexing,
                        kardIndexing));
                rows.add("| index on disk | " + (anserini == null ? "-" : megabytes(anseriniBytes)
                        + " (docs and freqs, no stored text)") + " | " + megabytes(kardBytes)
                        + " (what Kard reads: passages included) | |");

                System.out.printf("%nRetrievalBenchmark: %,d passages of 80-120 words (Zipf vocabulary %,d), "
                                + "BM25 %s, median of %d, %s (Kard) vs Anserini 1.5.0 (%s), %d cores, "
                                + "load average %s before, %s after%n", o.passages, ZipfText.VOCABULARY, kb.settings(),
                        o.repeats, jvm(), anserini == null ? "not run" : anserini.version,
                        Runtime.getRuntime().availableProcessors(), loadBefore, loadAverage());
                System.out.println("| workload (cores the process got) | Anserini | Kard | ratio |");
                System.out.println("| --- | --- | --- | --- |");
                rows.forEach(System.out::println);
                if (parity != null) {
                    System.out.println(parity);
                }
            }
        } finally {
            if (!o.keep) {
                deleteRecursively(work);
            }
        }
    }

    private List<Path> writeCorpus(Random random, int passages, Path kardDir, Path anseriniDir) throws IOException {
        List<Path> kardFiles = new ArrayList<>();
        BufferedWriter[] kard = new BufferedWriter[PARTS];
        BufferedWriter[] anserini = new BufferedWriter[PARTS];
        try {
            for (int p = 0; p < PARTS; p++) {
                Path file = kardDir.resolve(String.format("part-%02d.jsonl", p));
                kardFiles.add(file);
                kard[p] = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                anserini[p] = Files.newBufferedWriter(anseriniDir.resolve(String.format("part-%02d.jsonl", p)),
                        StandardCharsets.UTF_8);
            }
            for (int i = 0; i < passages; i++) {
                int p = (int) ((long) i * PARTS / passages);
                String text = zipf.text(random, 80 + random.nextInt(41));
                kard[p].write("{\"id\":\"p" + i + "\",\"title\":\"\",\"text\":\"" + text + "\"}\n");
                anserini[p].write("{\"id\":\"p" + i + "\",\"contents\":\"" + text + "\"}\n");
            }
        } finally {
            for (int p = 0; p < PARTS; p++) {
                if (kard[p] != null) {
                    kard[p].close();
                }
                if (anserini[p] != null) {
                    anserini[p].close();
                }
            }
        }
        return kardFiles;
    }

    private List<String> queries(Random random, int minWords, int maxWords, int n) {
        List<String> queries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            queries.add(zipf.text(random, minWords + random.nextInt(maxWords - minWords + 1)));
        }
        return queries;
    }

    /** Top-10 ids and scores of both engines on the first {@value #CHECKED} queries of each length. */
    private static String parity(LuceneKnowledgeBase kb, Anserini anserini, Path work, List<String> shortQueries,
                                 List<String> longQueries) throws IOException {
        List<String> sample = new ArrayList<>(shortQueries.subList(0, CHECKED));
        sample.addAll(longQueries.subList(0, CHECKED));
        Path queryFile = Files.write(work.resolve("queries-checked.txt"), sample);
        Path out = work.resolve("anserini-top10.txt");
        anserini.call("top " + queryFile + " 10 " + out);
        List<String> theirs = Files.readAllLines(out);
        int sameIds = 0;
        double maxDiff = 0;
        for (int i = 0; i < sample.size(); i++) {
            List<ScoredPassage> ours = kb.search(sample.get(i), 10);
            String[] hits = theirs.get(i).isEmpty() ? new String[0] : theirs.get(i).split(" ");
            boolean same = hits.length == ours.size();
            for (int j = 0; same && j < hits.length; j++) {
                int colon = hits[j].lastIndexOf(':');
                same = hits[j].substring(0, colon).equals(ours.get(j).passage().id());
                maxDiff = Math.max(maxDiff, Math.abs(Float.parseFloat(hits[j].substring(colon + 1)) - ours.get(j).score()));
            }
            sameIds += same ? 1 : 0;
        }
        return String.format("top-10 ids identical to Anserini's for %,d/%,d queries (%d question-length, %d "
                + "rationale-length); largest score difference %.2g", sameIds, sample.size(), CHECKED, CHECKED, maxDiff);
    }

    private static String row(String what, List<Rate> anserini, List<Rate> kard) {
        Rate k = median(kard);
        if (anserini.isEmpty()) {
            return "| " + what + " | - | " + k + " | |";
        }
        Rate a = median(anserini);
        return String.format("| %s | %s | %s | %.2fx |", what, a, k, k.perSecond / a.perSecond);
    }

    private static Rate median(List<Rate> rates) {
        List<Rate> sorted = rates.stream().sorted(Comparator.comparingDouble(Rate::perSecond)).toList();
        return sorted.get(sorted.size() / 2);
    }

    private static Rate last(List<Rate> rates) {
        return rates.get(rates.size() - 1);
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

    /**
     * Queries per second at top-{@value #TOP}: {@code threads} threads take the next query in turn until
     * {@code seconds} have passed (the same loop as the Anserini side).
     */
    private static Rate measure(LuceneKnowledgeBase kb, List<String> queries, int threads, double seconds)
            throws InterruptedException {
        AtomicLong next = new AtomicLong();
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        long cpuStart = cpuNanos();
        Thread[] workers = new Thread[threads];
        Throwable[] failure = new Throwable[1];
        for (int t = 0; t < threads; t++) {
            workers[t] = new Thread(() -> {
                try {
                    while (System.nanoTime() < deadline) {
                        kb.search(queries.get((int) (next.getAndIncrement() % queries.size())), TOP);
                    }
                } catch (IOException e) {
                    failure[0] = e;
                }
            }, "bench-search");
            workers[t].start();
        }
        for (Thread w : workers) {
            w.join();
        }
        if (failure[0] != null) {
            throw new UncheckedIOException((IOException) failure[0]);
        }
        double wall = (System.nanoTime() - start) / 1e9;
        return new Rate(next.get() / wall, (cpuNanos() - cpuStart) / 1e9 / wall);
    }

    /** The Anserini child JVM (see the class comment and {@code AnseriniSide.java}). */
    private static final class Anserini implements AutoCloseable {
        private final Process process;
        private final BufferedReader out;
        private final BufferedWriter in;
        private final String version;

        private Anserini(Process process, String version) {
            this.process = process;
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
            this.version = version;
        }

        static Anserini start(Options o, Path work) throws IOException {
            if (o.anseriniJava == null || o.anseriniSource == null) {
                throw new IllegalStateException("-Dkard.bench.anserini.java and -Dkard.bench.anserini.source are"
                        + " needed with -Dkard.bench.anserini.jar (the bench script sets them)");
            }
            String heap = System.getProperty("kard.bench.anserini.heap", "-Xmx6g");
            ProcessBuilder pb = new ProcessBuilder(o.anseriniJava, heap, "-cp", o.anseriniJar, o.anseriniSource);
            pb.redirectError(work.resolve("anserini.log").toFile());
            Anserini a = new Anserini(pb.start(), javaVersion(o.anseriniJava));
            a.reply(); // "ready"
            return a;
        }

        private static String javaVersion(String java) {
            Path release = Path.of(java).getParent().getParent().resolve("release");
            try (Stream<String> lines = Files.lines(release)) {
                return lines.filter(l -> l.startsWith("JAVA_VERSION=")).map(l -> "Java " + l.substring(13).replace("\"", ""))
                        .findFirst().orElse(java);
            } catch (IOException e) {
                return java;
            }
        }

        double[] call(String command) throws IOException {
            in.write(command + "\n");
            in.flush();
            String[] parts = reply().split(" ");
            return Arrays.stream(parts).mapToDouble(s -> {
                try {
                    return Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    return Double.NaN;
                }
            }).toArray();
        }

        Rate search(Path queries, int threads, double seconds) throws IOException {
            double[] r = call("search " + queries + " " + threads + " " + seconds + " " + TOP);
            return new Rate(r[0] / r[1], r[2] / r[1]);
        }

        private String reply() throws IOException {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("@@ ")) {
                    if (line.startsWith("@@ error")) {
                        throw new IOException("Anserini side: " + line.substring(3));
                    }
                    return line.substring(3);
                }
            }
            throw new IOException("the Anserini process ended (exit " + waitFor() + "); see anserini.log in the work"
                    + " directory (--keep keeps it)");
        }

        private int waitFor() {
            try {
                return process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        @Override
        public void close() throws IOException {
            try {
                in.write("quit\n");
                in.flush();
            } catch (IOException ignored) {
                // already gone
            }
            try {
                if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroy();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroy();
            }
        }
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + "/" + f[1] + "/" + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static long directorySize(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }
    }

    private static String megabytes(long bytes) {
        return String.format("%,d MB", Math.round(bytes / 1e6));
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String jvm() {
        return "Java " + System.getProperty("java.version");
    }
}
