// The Anserini side of RetrievalBenchmark: a single-file program that the benchmark runs with a Java 21+ JDK
// (`java -cp anserini-1.5.0-fatjar.jar AnseriniSide.java`), because Anserini 1.5.0 needs Java 21 while Kard is a
// Java 17 library. It is not compiled by Maven and Kard never depends on Anserini.
//
// It reads one command a line on stdin and answers one line on stdout starting with "@@ " (Anserini's own logging
// may print other lines; the benchmark skips them):
//   index INPUT_DIR INDEX_DIR THREADS     -> @@ SECONDS CPU_SECONDS   (IndexCollection, JsonCollection, defaults)
//   open INDEX_DIR                        -> @@ PASSAGES              (SimpleSearcher, BM25 k1=0.9 b=0.4)
//   search QUERY_FILE THREADS SECONDS K   -> @@ QUERIES WALL_SECONDS CPU_SECONDS
//   top QUERY_FILE K OUT_FILE             -> @@ QUERIES               (OUT_FILE: per query "id:score id:score ...")
//   quit
import io.anserini.index.IndexCollection;
import io.anserini.search.ScoredDoc;
import io.anserini.search.SimpleSearcher;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.kohsuke.args4j.CmdLineParser;

public class AnseriniSide {
    static SimpleSearcher searcher;

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("@@ ready");
        System.out.flush();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] a = line.trim().split(" ");
            String reply;
            switch (a[0]) {
                case "index" -> reply = index(a[1], a[2], Integer.parseInt(a[3]));
                case "open" -> {
                    if (searcher != null) {
                        searcher.close();
                    }
                    searcher = new SimpleSearcher(a[1]);
                    searcher.set_bm25(0.9f, 0.4f);
                    reply = String.valueOf(searcher.get_total_num_docs());
                }
                case "search" -> reply = search(Files.readAllLines(Path.of(a[1])), Integer.parseInt(a[2]),
                        Double.parseDouble(a[3]), Integer.parseInt(a[4]));
                case "top" -> reply = top(Files.readAllLines(Path.of(a[1])), Integer.parseInt(a[2]), Path.of(a[3]));
                case "quit" -> {
                    if (searcher != null) {
                        searcher.close();
                    }
                    return;
                }
                default -> reply = "error unknown command " + a[0];
            }
            System.out.println("@@ " + reply);
            System.out.flush();
        }
    }

    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static String index(String input, String index, int threads) throws Exception {
        IndexCollection.Args args = new IndexCollection.Args();
        new CmdLineParser(args).parseArgument("-collection", "JsonCollection", "-generator",
                "DefaultLuceneDocumentGenerator", "-input", input, "-index", index, "-threads", String.valueOf(threads),
                "-quiet");
        long start = System.nanoTime();
        long cpu = cpuNanos();
        new IndexCollection(args).run();
        return (System.nanoTime() - start) / 1e9 + " " + (cpuNanos() - cpu) / 1e9;
    }

    static String search(List<String> queries, int threads, double seconds, int k) throws Exception {
        AtomicLong next = new AtomicLong();
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long start = System.nanoTime();
        long cpu = cpuNanos();
        List<Thread> workers = new ArrayList<>();
        Throwable[] failure = new Throwable[1];
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                try {
                    while (System.nanoTime() < deadline) {
                        searcher.search(queries.get((int) (next.getAndIncrement() % queries.size())), k);
                    }
                } catch (Throwable e) {
                    failure[0] = e;
                }
            });
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        if (failure[0] != null) {
            throw new RuntimeException(failure[0]);
        }
        // Every thread finishes the query it started before the deadline; count all of them.
        return next.get() + " " + (System.nanoTime() - start) / 1e9 + " " + (cpuNanos() - cpu) / 1e9;
    }

    static String top(List<String> queries, int k, Path out) throws Exception {
        List<String> lines = new ArrayList<>();
        for (String q : queries) {
            StringBuilder sb = new StringBuilder();
            for (ScoredDoc d : searcher.search(q, k)) {
                sb.append(sb.length() == 0 ? "" : " ").append(d.docid).append(':').append(d.score);
            }
            lines.add(sb.toString());
        }
        Files.write(out, lines);
        return String.valueOf(queries.size());
    }
}
