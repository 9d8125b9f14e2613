package ai.kard.retrieval.eval;

import ai.kard.api.InvalidInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Relevance judgements: query id → (passage id → grade). Read from BEIR's TSV layout {@code query-id corpus-id
 * score} (tab- or space-separated, optional header line), or TREC's {@code qid 0 docid grade}.
 */
public record Qrels(Map<String, Map<String, Integer>> judgements) {
    /**
     * Copies the judgements into an unmodifiable map.
     *
     * @param judgements query id to (passage id to grade)
     */
    public Qrels {
        judgements = Collections.unmodifiableMap(new LinkedHashMap<>(judgements));
    }

    /**
     * Grades of one query's judged passages; empty when the query has none.
     *
     * @param queryId the query id
     * @return passage id to grade
     */
    public Map<String, Integer> of(String queryId) {
        return judgements.getOrDefault(queryId, Map.of());
    }

    /**
     * Reads a qrels file.
     *
     * @param file the file
     * @return the judgements
     * @throws IOException when a file cannot be read or written
     */
    public static Qrels read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException(file, 0, "no such qrels file");
        }
        Map<String, Map<String, Integer>> map = new LinkedHashMap<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            long n = 0;
            while ((line = in.readLine()) != null) {
                n++;
                String t = line.strip();
                if (t.isEmpty()) {
                    continue;
                }
                String[] f = t.split("\\s+");
                if (n == 1 && f[0].equalsIgnoreCase("query-id")) {
                    continue;
                }
                if (f.length != 3 && f.length != 4) {
                    throw new InvalidInputException(file, n,
                            "expected 'query-id corpus-id score' (or TREC 'qid 0 docid grade'), found " + f.length + " fields");
                }
                String query = f[0];
                String doc = f.length == 3 ? f[1] : f[2];
                String gradeText = f[f.length - 1];
                int grade;
                try {
                    grade = (int) Math.round(Double.parseDouble(gradeText));
                } catch (NumberFormatException e) {
                    throw new InvalidInputException(file, n, "score '" + gradeText + "' is not a number");
                }
                if (map.computeIfAbsent(query, q -> new LinkedHashMap<>()).put(doc, grade) != null) {
                    throw new InvalidInputException(file, n, "duplicate judgement for query '" + query + "', passage '" + doc + "'");
                }
            }
        }
        if (map.isEmpty()) {
            throw new InvalidInputException(file, 0, "no judgements");
        }
        return new Qrels(map);
    }
}
