package ai.kard.retrieval.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TopFieldCollectorManager;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.Test;

/**
 * Over several unsorted segments, the top-k must be exactly Lucene's search sorted by score, then id: same
 * documents, order and scores, with exact ties inside and across segments and with deletions. {@link LuceneTopK}
 * must give the same documents and scores.
 */
class SegmentedTopKTest {
    @Test
    void sameAsLuceneSortedByScoreThenIdAcrossSegments() throws Exception {
        Random random = new Random(3);
        int[] segmentSizes = {WindowedMaxScore.WINDOW + 500, 2 * WindowedMaxScore.WINDOW + 17, 900};
        try (Directory dir = new ByteBuffersDirectory()) {
            try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig(Analyzers.english())
                    .setSimilarity(new BM25Similarity(0.9f, 0.4f)).setMergePolicy(NoMergePolicy.INSTANCE))) {
                String previous = null;
                int n = 0;
                for (int size : segmentSizes) {
                    for (int i = 0; i < size; i++, n++) {
                        // Every 7th document repeats the one before (a tie), also across a segment boundary; ids
                        // are shuffled against doc order, so that doc order would break ties differently.
                        // Every 11th is "tiex w1x": hundreds of equal scores for the query "tiex".
                        String text = n % 11 == 3 ? "tiex w1x"
                                : n % 7 == 1 || i == 0 && previous != null ? previous : text(random);
                        String id = String.format("p%05d", (n * 7919) % 100_000);
                        Document doc = new Document();
                        doc.add(new StringField(Fields.ID, id, Field.Store.NO));
                        doc.add(new SortedDocValuesField(Fields.ID, new BytesRef(id)));
                        doc.add(new TextField(Fields.CONTENTS, text, Field.Store.NO));
                        w.addDocument(doc);
                        previous = text;
                    }
                    w.commit();
                }
                for (int i = 0; i < n; i += 101) {
                    w.deleteDocuments(new Term(Fields.ID, String.format("p%05d", (i * 7919) % 100_000)));
                }
            }
            try (DirectoryReader reader = DirectoryReader.open(dir)) {
                assertThat(reader.leaves()).hasSize(segmentSizes.length);
                assertThat(reader.hasDeletions()).isTrue();
                IndexSearcher searcher = new IndexSearcher(reader);
                searcher.setSimilarity(new BM25Similarity(0.9f, 0.4f));
                Sort byScoreThenId = new Sort(SortField.FIELD_SCORE, new SortField(Fields.ID, SortField.Type.STRING));
                Bm25QueryBuilder queries = new Bm25QueryBuilder(Analyzers.english());
                int tiedPastCollected = 0;
                for (int q = 0; q < 40; q++) {
                    // A word of hundreds of equal scores, short queries, rationale-length ones.
                    String query = q % 4 == 0 ? "tiex" : text(random, q % 2 == 0 ? 3 : 30 + random.nextInt(90));
                    Map<String, Integer> terms = queries.terms(query);
                    for (int k : new int[] {1, 3, 10, 100}) {
                        ScoreDoc[] expected = searcher.search(queries.build(terms),
                                new TopFieldCollectorManager(byScoreThenId, k, null, Integer.MAX_VALUE)).scoreDocs;
                        WindowedMaxScore.Hits actual = SegmentedTopK.search(searcher, queries.clauses(terms), k);
                        int[] expectedDocs = new int[expected.length];
                        float[] expectedScores = new float[expected.length];
                        for (int i = 0; i < expected.length; i++) {
                            expectedDocs[i] = expected[i].doc;
                            expectedScores[i] = (Float) ((FieldDoc) expected[i]).fields[0];
                        }
                        assertThat(actual.docs()).as("query %d, k=%d", q, k).containsExactly(expectedDocs);
                        assertThat(actual.scores()).as("query %d, k=%d", q, k).containsExactly(expectedScores);
                        // Lucene's collector with the tie settled by id: the same set (the caller sorts).
                        WindowedMaxScore.Hits viaLucene = LuceneTopK.search(searcher, queries.build(terms),
                                queries.clauses(terms), k);
                        int collected = LuceneTopK.collected(k);
                        ScoreDoc[] more = searcher.search(queries.build(terms),
                                new TopFieldCollectorManager(byScoreThenId, collected, null, Integer.MAX_VALUE)).scoreDocs;
                        if (expected.length == k && more.length == collected
                                && (Float) ((FieldDoc) more[collected - 1]).fields[0] == expectedScores[k - 1]) {
                            tiedPastCollected++;
                        }
                        Map<Integer, Float> expectedScoreOf = new HashMap<>();
                        for (int i = 0; i < expectedDocs.length; i++) {
                            expectedScoreOf.put(expectedDocs[i], expectedScores[i]);
                        }
                        Map<Integer, Float> actualScoreOf = new HashMap<>();
                        for (int i = 0; i < viaLucene.docs().length; i++) {
                            actualScoreOf.put(viaLucene.docs()[i], viaLucene.scores()[i]);
                        }
                        assertThat(actualScoreOf).as("query %d, k=%d, Lucene's collector", q, k)
                                .isEqualTo(expectedScoreOf);
                    }
                }
                // Both ways were taken: the tie settled among the collected hits, and handed to SegmentedTopK.
                assertThat(tiedPastCollected).isPositive().isLessThan(160);
            }
        }
    }

    private static String text(Random random) {
        return text(random, 10 + random.nextInt(40));
    }

    private static String text(Random random, int words) {
        return ZipfText.words(random, 2000, words);
    }
}
