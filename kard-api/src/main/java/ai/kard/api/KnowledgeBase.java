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
     *
     * @param query plain text
     * @param k     how many passages at most
     * @return the best passages with their scores, best first
     * @throws IOException when the underlying index cannot be read
     */
    List<ScoredPassage> search(String query, int k) throws IOException;

    /**
     * Searches many queries; implementations may use several threads.
     *
     * @param queries plain-text queries
     * @param k       how many passages at most per query
     * @return one result list per query, in query order
     * @throws IOException when the underlying index cannot be read
     */
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
     * @param query      plain text
     * @param passageIds the passages to score
     * @return one scored passage per id, in the order of {@code passageIds}
     * @throws IllegalArgumentException if an id is unknown
     * @throws IOException              when the underlying index cannot be read
     */
    List<ScoredPassage> score(String query, Collection<String> passageIds) throws IOException;

    /**
     * Looks a passage up by id.
     *
     * @param id a passage id
     * @return the passage with this id, or empty
     * @throws IOException when the underlying index cannot be read
     */
    Optional<Passage> passage(String id) throws IOException;

    /**
     * The size of the corpus.
     *
     * @return the number of passages
     */
    int size();

    @Override
    void close() throws IOException;
}
