package ai.kard.api;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * A searchable passage corpus. Implementations are thread-safe: many threads may search at once.
 */
public interface KnowledgeBase extends AutoCloseable {

    /**
     * The {@code k} best passages for a plain-text query (never a query language), best first, ties broken by
     * passage id. A query with no searchable term returns an empty list.
     */
    List<ScoredPassage> search(String query, int k) throws IOException;

    /** Searches many queries; implementations may use several threads. Results are in query order. */
    default List<List<ScoredPassage>> searchAll(List<String> queries, int k) throws IOException {
        List<List<ScoredPassage>> results = new ArrayList<>(queries.size());
        for (String query : queries) {
            results.add(search(query, k));
        }
        return results;
    }

    /**
     * The score of {@code query} against each given passage with the knowledge base's own statistics, equal to
     * the score {@link #search} would give the same passage. Result order follows {@code passageIds}; a passage
     * that shares no term with the query scores 0.
     *
     * @throws IllegalArgumentException if an id is unknown
     */
    List<ScoredPassage> score(String query, Collection<String> passageIds) throws IOException;

    /** The passage with this id, if present. */
    Optional<Passage> passage(String id) throws IOException;

    /** Number of passages. */
    int size();

    @Override
    void close() throws IOException;
}
