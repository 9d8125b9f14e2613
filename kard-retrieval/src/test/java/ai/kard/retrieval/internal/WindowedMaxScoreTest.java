package ai.kard.retrieval.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
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
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TopFieldCollectorManager;
import org.apache.lucene.search.TopScoreDocCollectorManager;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.Test;

/**
 * The windowed MaxScore top-k must return exactly Lucene's top-k (same documents, same order, same scores) for
 * long bag-of-words queries: over many windows, with skewed term frequencies, with exact ties (duplicate
 * documents, broken by doc id) and with deleted documents.
 */
class WindowedMaxScoreTest {
    private static final int DOCS = 5 * WindowedMaxScore.WINDOW + 123;

    @Test
    void sameTopKAsLuceneForLongQueries() throws Exception {
        Random random = new Random(7);
        try (Directory dir = new ByteBuffersDirectory()) {
            try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig(Analyzers.english())
                    .setSimilarity(new BM25Similarity(0.9f, 0.4f)))) {
                String previous = null;
                for (int i = 0; i < DOCS; i++) {
                    // Every 50th document repeats the one before it: equal scores, broken by doc id.
                    String text = i % 50 == 1 ? previous : text(random, 20 + random.nextInt(60));
                    Document doc = new Document();
                    doc.add(new StringField(Fields.ID, "d" + i, Field.Store.NO));
                    doc.add(new TextField(Fields.CONTENTS, text, Field.Store.NO));
                    w.addDocument(doc);
                    previous = text;
                }
                w.forceMerge(1);
                for (int i = 0; i < DOCS; i += 97) {
                    w.deleteDocuments(new Term(Fields.ID, "d" + i));
                }
            }
            try (DirectoryReader reader = DirectoryReader.open(dir)) {
                assertThat(reader.leaves()).hasSize(1);
                assertThat(reader.hasDeletions()).isTrue();
                IndexSearcher searcher = new IndexSearcher(reader);
                searcher.setSimilarity(new BM25Similarity(0.9f, 0.4f));
                Bm25QueryBuilder queries = new Bm25QueryBuilder(Analyzers.english());
                int compared = 0;
                for (int q = 0; q < 40; q++) {
                    Map<String, Integer> terms = queries.terms(text(random, q % 3 == 0 ? 5 : 40 + random.nextInt(120)));
                    for (int k : new int[] {1, 3, 10, 100}) {
                        ScoreDoc[] expected = searcher.search(queries.build(terms),
                                new TopScoreDocCollectorManager(k, null, Integer.MAX_VALUE)).scoreDocs;
                        int[] expectedDocs = new int[expected.length];
                        float[] expectedScores = new float[expected.length];
                        for (int i = 0; i < expected.length; i++) {
                            expectedDocs[i] = expected[i].doc;
                            expectedScores[i] = expected[i].score;
                        }
                        // The default policy, then non-essential clauses always advanced, then always scanned.
                        for (int advanceCost : new int[] {WindowedMaxScore.ADVANCE_COST, 0, Integer.MAX_VALUE}) {
                            WindowedMaxScore.Hits actual = WindowedMaxScore.search(searcher, reader.leaves().get(0),
                                    queries.clauses(terms), k, null, Float.NEGATIVE_INFINITY, advanceCost);
                            assertThat(actual.docs()).as("query %d, k=%d, advance cost %d", q, k, advanceCost)
                                    .containsExactly(expectedDocs);
                            assertThat(actual.scores()).as("query %d, k=%d, advance cost %d", q, k, advanceCost)
                                    .containsExactly(expectedScores);
                        }
                        compared += expected.length;
                    }
                }
                assertThat(compared).isGreaterThan(40 * 100);
            }
        }
    }

    @Test
    void breaksTiesByIdOrdGivenIdDocValues() throws Exception {
        Random random = new Random(11);
        int docs = 2 * WindowedMaxScore.WINDOW + 7;
        try (Directory dir = new ByteBuffersDirectory()) {
            try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig(Analyzers.english())
                    .setSimilarity(new BM25Similarity(0.9f, 0.4f)))) {
                String previous = null;
                for (int i = 0; i < docs; i++) {
                    // Ids run against doc order, and every 3rd document repeats the one before: many exact ties,
                    // each of which doc order would break the other way round.
                    String text = i % 3 == 1 ? previous : text(random, 15 + random.nextInt(30));
                    String id = String.format("d%06d", docs - i);
                    Document doc = new Document();
                    doc.add(new StringField(Fields.ID, id, Field.Store.NO));
                    doc.add(new SortedDocValuesField(Fields.ID, new BytesRef(id)));
                    doc.add(new TextField(Fields.CONTENTS, text, Field.Store.NO));
                    w.addDocument(doc);
                    previous = text;
                }
                w.forceMerge(1);
            }
            try (DirectoryReader reader = DirectoryReader.open(dir)) {
                IndexSearcher searcher = new IndexSearcher(reader);
                searcher.setSimilarity(new BM25Similarity(0.9f, 0.4f));
                Sort byScoreThenId = new Sort(SortField.FIELD_SCORE, new SortField(Fields.ID, SortField.Type.STRING));
                Bm25QueryBuilder queries = new Bm25QueryBuilder(Analyzers.english());
                LeafReaderContext leaf = reader.leaves().get(0);
                int reordered = 0;
                for (int q = 0; q < 30; q++) {
                    Map<String, Integer> terms = queries.terms(text(random, 30 + random.nextInt(60)));
                    for (int k : new int[] {1, 2, 10, 50}) {
                        ScoreDoc[] expected = searcher.search(queries.build(terms),
                                new TopFieldCollectorManager(byScoreThenId, k, null, Integer.MAX_VALUE)).scoreDocs;
                        int[] expectedDocs = new int[expected.length];
                        for (int i = 0; i < expected.length; i++) {
                            expectedDocs[i] = expected[i].doc;
                        }
                        for (int advanceCost : new int[] {WindowedMaxScore.ADVANCE_COST, 0, Integer.MAX_VALUE}) {
                            WindowedMaxScore.Hits actual = WindowedMaxScore.search(searcher, leaf,
                                    queries.clauses(terms), k, DocValues.getSorted(leaf.reader(), Fields.ID),
                                    Float.NEGATIVE_INFINITY, advanceCost);
                            assertThat(actual.docs()).as("query %d, k=%d, advance cost %d", q, k, advanceCost)
                                    .containsExactly(expectedDocs);
                        }
                        ScoreDoc[] byDoc = searcher.search(queries.build(terms),
                                new TopScoreDocCollectorManager(k, null, Integer.MAX_VALUE)).scoreDocs;
                        for (int i = 0; i < byDoc.length; i++) {
                            reordered += byDoc[i].doc != expectedDocs[i] ? 1 : 0;
                        }
                    }
                }
                // The ties did matter: breaking them by doc id would have given other results.
                assertThat(reordered).isPositive();
            }
        }
    }

    @Test
    void termsFoundNowhereGiveNoHits() throws Exception {
        try (Directory dir = new ByteBuffersDirectory()) {
            try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig(Analyzers.english()))) {
                Document doc = new Document();
                doc.add(new TextField(Fields.CONTENTS, "alpha beta", Field.Store.NO));
                w.addDocument(doc);
            }
            try (DirectoryReader reader = DirectoryReader.open(dir)) {
                IndexSearcher searcher = new IndexSearcher(reader);
                Bm25QueryBuilder queries = new Bm25QueryBuilder(Analyzers.english());
                List<Query> clauses = queries.clauses(queries.terms("gamma delta"));
                assertThat(WindowedMaxScore.search(searcher, reader.leaves().get(0), clauses, 5).docs()).isEmpty();
                clauses = new ArrayList<>(queries.clauses(queries.terms("gamma beta beta")));
                WindowedMaxScore.Hits hits = WindowedMaxScore.search(searcher, reader.leaves().get(0), clauses, 5);
                assertThat(hits.docs()).containsExactly(0);
            }
        }
    }

    private static String text(Random random, int words) {
        return ZipfText.words(random, 3000, words);
    }
}
