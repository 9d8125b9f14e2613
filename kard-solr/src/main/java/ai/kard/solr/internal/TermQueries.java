package ai.kard.solr.internal;

import ai.kard.retrieval.internal.Analyzers;
import ai.kard.retrieval.internal.Bm25QueryBuilder;
import java.util.Map;
import org.apache.solr.client.solrj.util.ClientUtils;

/**
 * Turns plain text into the Solr query that scores like {@code LuceneKnowledgeBase}'s: Kard analyses the text
 * with the index analyzer itself (the same {@link Bm25QueryBuilder} the Lucene knowledge base uses) and sends
 * each distinct term once, escaped, boosted by its count ({@code term^2}). Solr's standard parser with the
 * schema's whitespace query analyzer turns that into the very BooleanQuery of boosted TermQuerys that
 * {@code Bm25QueryBuilder.build} makes, so no query text is ever syntax and no term is stemmed twice.
 */
public final class TermQueries {
    private final Bm25QueryBuilder analyzer = new Bm25QueryBuilder(Analyzers.english());

    /** The Solr query string, or {@code null} when nothing searchable is left after analysis. */
    public String query(String text) {
        Map<String, Integer> terms = analyzer.terms(text);
        if (terms.isEmpty()) {
            return null;
        }
        StringBuilder q = new StringBuilder(text.length() + 16);
        for (Map.Entry<String, Integer> e : terms.entrySet()) {
            if (q.length() > 0) {
                q.append(' ');
            }
            q.append(ClientUtils.escapeQueryChars(e.getKey()));
            if (e.getValue() > 1) {
                q.append('^').append(e.getValue());
            }
        }
        return q.toString();
    }

    /** Distinct analysed terms of {@code text}: the number of clauses its query has. */
    public int clauses(String text) {
        return analyzer.terms(text).size();
    }
}
