package ai.kard.examples.cli;

import ai.kard.api.KnowledgeBase;
import ai.kard.api.InvalidSettingException;
import ai.kard.api.ScoredPassage;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kard search}: the top passages of an index for a plain-text query. */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = "Search a BM25 index with a plain-text query (no query syntax: any text is safe).")
final class SearchCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--index", paramLabel = "DIR", description = "Lucene index (or --solr/--collection)")
    Path index;

    @Mixin
    SolrOptions knowledgeBase;

    @Option(names = "--query", required = true, paramLabel = "TEXT")
    String query;

    @Option(names = "--top", defaultValue = "10", paramLabel = "K", description = "passages to show (default: ${DEFAULT-VALUE})")
    int top;

    @Option(names = "--json", description = "one JSON object per line: rank, id, score, title, text")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (top < 1) {
            throw new InvalidSettingException("--top must be at least 1, got " + top);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (KnowledgeBase kb = knowledgeBase.open(index, true)) {
            List<ScoredPassage> results = kb.search(query, top);
            int rank = 0;
            for (ScoredPassage sp : results) {
                rank++;
                if (json) {
                    ObjectNode node = JSON.createObjectNode();
                    node.put("rank", rank).put("id", sp.id()).put("score", sp.score())
                            .put("title", sp.passage().title()).put("text", sp.passage().text());
                    out.println(JSON.writeValueAsString(node));
                } else {
                    out.printf(Locale.ROOT, "%d\t%.4f\t%s\t%s%n", rank, sp.score(), sp.id(),
                            snippet(sp.passage().contents()));
                }
            }
            if (results.isEmpty() && !json) {
                out.println("no results (nothing searchable in the query, or no passage shares a term with it)");
            }
        }
        return KardCli.OK;
    }

    private static String snippet(String text) {
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() <= 160 ? flat : flat.substring(0, 157) + "...";
    }
}
