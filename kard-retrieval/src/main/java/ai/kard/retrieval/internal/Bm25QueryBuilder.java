package ai.kard.retrieval.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;

/**
 * Builds a bag-of-words query from plain text the way Anserini's {@code BagOfWordsQueryGenerator} does: the text
 * goes through the index analyzer (never a query parser, so no string is syntax), and each distinct term becomes
 * one SHOULD clause boosted by its count. With BM25 a boost of n equals the term appearing n times, which is
 * how Pyserini scores repeated query terms, and it keeps the clause count at the number of distinct terms.
 */
public final class Bm25QueryBuilder {
    private final Analyzer analyzer;

    public Bm25QueryBuilder(Analyzer analyzer) {
        this.analyzer = analyzer;
    }

    /** Distinct analysed terms with their counts, in first-seen order. */
    public Map<String, Integer> terms(String text) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        try (TokenStream ts = analyzer.tokenStream(Fields.CONTENTS, text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                counts.merge(term.toString(), 1, Integer::sum);
            }
            ts.end();
        } catch (IOException e) {
            // Analysing a String does no I/O.
            throw new UncheckedIOException(e);
        }
        return counts;
    }

    /** The query, or {@code null} when nothing searchable is left after analysis. */
    public Query build(String text) {
        return build(terms(text));
    }

    /** The query of analysed terms and their counts, or {@code null} when there are none. */
    public Query build(Map<String, Integer> counts) {
        List<Query> clauses = clauses(counts);
        if (clauses.isEmpty()) {
            return null;
        }
        raiseClauseLimit(clauses.size());
        BooleanQuery.Builder builder = new BooleanQuery.Builder();
        for (Query clause : clauses) {
            builder.add(clause, BooleanClause.Occur.SHOULD);
        }
        return builder.build();
    }

    /** One clause per distinct term, in first-seen order: a {@link TermQuery}, boosted by its count when above 1. */
    public List<Query> clauses(Map<String, Integer> counts) {
        List<Query> clauses = new ArrayList<>(counts.size());
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            Query clause = new TermQuery(new Term(Fields.CONTENTS, e.getKey()));
            if (e.getValue() > 1) {
                clause = new BoostQuery(clause, e.getValue());
            }
            clauses.add(clause);
        }
        return clauses;
    }

    /**
     * Rationales run to thousands of distinct terms, beyond Lucene's 1024-clause default. The limit is JVM-wide,
     * so it is only ever raised, never lowered.
     */
    private static void raiseClauseLimit(int clauses) {
        if (clauses > IndexSearcher.getMaxClauseCount()) {
            synchronized (Bm25QueryBuilder.class) {
                if (clauses > IndexSearcher.getMaxClauseCount()) {
                    IndexSearcher.setMaxClauseCount(Math.max(clauses, 2 * IndexSearcher.getMaxClauseCount()));
                }
            }
        }
    }
}
