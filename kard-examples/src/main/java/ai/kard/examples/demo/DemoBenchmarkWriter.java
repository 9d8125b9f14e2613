package ai.kard.examples.demo;

import ai.kard.api.Passage;
import ai.kard.api.Rationale;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes a {@link DemoBenchmark} as Kard's JSONL files. All files are written to temporary files first and
 * renamed into place at the end, so a failure leaves no half-written benchmark behind.
 *
 * <pre>
 * corpus.jsonl                      {"id","title","text"}
 * train.jsonl, validation.jsonl, test.jsonl
 *                                   {"id","question","options","answer","kind"}   (kind: direct | two-hop)
 * rationales-train.jsonl, rationales-validation.jsonl, rationales-test.jsonl
 *                                   {"id","rationale"}, several lines per question
 * gold-passages.tsv                 BEIR qrels (header query-id, corpus-id, score): each question's id, the id of
 *                                   the passage holding the asked fact, 1 (all splits)
 * demo.json                         the configuration and counts
 * </pre>
 */
public final class DemoBenchmarkWriter {
    public static final String CORPUS = "corpus.jsonl";
    public static final String GOLD_PASSAGES = "gold-passages.tsv";
    public static final String MANIFEST = "demo.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private DemoBenchmarkWriter() {
    }

    /** The questions file of a split, e.g. {@code test.jsonl}. */
    public static String questionsFile(Split split) {
        return split.label() + ".jsonl";
    }

    /** The rationales file of a split, e.g. {@code rationales-test.jsonl}. */
    public static String rationalesFile(Split split) {
        return "rationales-" + split.label() + ".jsonl";
    }

    /** Writes every file into {@code dir} (created if needed) and returns their paths. */
    public static List<Path> write(DemoBenchmark benchmark, Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, Content> files = new LinkedHashMap<>();
        files.put(CORPUS, out -> {
            for (Passage p : benchmark.corpus()) {
                line(out, JSON.createObjectNode().put("id", p.id()).put("title", p.title()).put("text", p.text()));
            }
        });
        for (Split split : Split.values()) {
            files.put(questionsFile(split), out -> {
                for (DemoQuestion q : benchmark.questions(split)) {
                    ObjectNode node = JSON.createObjectNode().put("id", q.question().id())
                            .put("question", q.question().text());
                    q.question().options().forEach(node.putArray("options")::add);
                    node.put("answer", q.question().answer()).put("kind", q.kind().label());
                    line(out, node);
                }
            });
            files.put(rationalesFile(split), out -> {
                for (Rationale r : benchmark.rationales(split)) {
                    line(out, JSON.createObjectNode().put("id", r.questionId()).put("rationale", r.text()));
                }
            });
        }
        files.put(GOLD_PASSAGES, out -> {
            out.write("query-id\tcorpus-id\tscore\n");
            for (Split split : Split.values()) {
                for (DemoQuestion q : benchmark.questions(split)) {
                    out.write(q.question().id() + "\t" + q.goldPassageId() + "\t1\n");
                }
            }
        });
        files.put(MANIFEST, out -> {
            DemoConfig c = benchmark.config();
            ObjectNode node = JSON.createObjectNode().put("generator", DemoBenchmarkGenerator.class.getName())
                    .put("seed", c.seed()).put("entities", c.entities())
                    .put("rationalesPerQuestion", c.rationalesPerQuestion()).put("twoHopFraction", c.twoHopFraction())
                    .put("passages", benchmark.corpus().size());
            ObjectNode counts = node.putObject("questions");
            for (Split split : Split.values()) {
                counts.put(split.label(), benchmark.questions(split).size());
            }
            out.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n");
        });

        List<Path> temps = new ArrayList<>();
        try {
            for (Map.Entry<String, Content> file : files.entrySet()) {
                // Not Files.createTempFile: its owner-only permissions would stick to the published file.
                Path temp = dir.resolve("." + file.getKey() + "." + UUID.randomUUID() + ".tmp");
                temps.add(temp);
                try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    file.getValue().writeTo(out);
                }
            }
            List<Path> written = new ArrayList<>();
            int i = 0;
            for (String name : files.keySet()) {
                Path target = dir.resolve(name);
                Files.move(temps.get(i++), target, StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
                written.add(target);
            }
            return written;
        } finally {
            for (Path temp : temps) {
                Files.deleteIfExists(temp);
            }
        }
    }

    private static void line(Writer out, ObjectNode node) throws IOException {
        out.write(JSON.writeValueAsString(node));
        out.write('\n');
    }

    @FunctionalInterface
    private interface Content {
        void writeTo(Writer out) throws IOException;
    }
}
