package ai.kard.examples.demo;

import ai.kard.api.Passage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * A throw-away in-memory BM25 index (Anserini settings: English analyzer, k1 0.9, b 0.4) to measure how the
 * benchmark's questions and rationales retrieve their gold passage, independently of kard-retrieval.
 */
final class Bm25Probe implements AutoCloseable {
    private final Analyzer analyzer = new EnglishAnalyzer();
    private final ByteBuffersDirectory directory = new ByteBuffersDirectory();
    private final DirectoryReader reader;
    private final IndexSearcher searcher;

    Bm25Probe(List<Passage> corpus) throws IOException {
        BM25Similarity similarity = new BM25Similarity(0.9f, 0.4f);
        try (IndexWriter writer = new IndexWriter(directory,
                new IndexWriterConfig(analyzer).setSimilarity(similarity))) {
            for (Passage p : corpus) {
                Document doc = new Document();
                doc.add(new StringField("id", p.id(), Field.Store.YES));
                doc.add(new TextField("contents", p.contents(), Field.Store.NO));
                writer.addDocument(doc);
            }
        }
        reader = DirectoryReader.open(directory);
        searcher = new IndexSearcher(reader);
        searcher.setSimilarity(similarity);
    }

    /** Ids of the top {@code k} passages for {@code query}, best first. */
    List<String> search(String query, int k) {
        try {
            BooleanQuery.Builder builder = new BooleanQuery.Builder();
            for (String token : tokens(query)) {
                builder.add(new TermQuery(new Term("contents", token)), BooleanClause.Occur.SHOULD);
            }
            List<String> ids = new ArrayList<>();
            for (ScoreDoc hit : searcher.search(builder.build(), k).scoreDocs) {
                ids.add(searcher.storedFields().document(hit.doc).get("id"));
            }
            return ids;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The analyzed tokens of {@code text} (lower-cased, stop words removed, stemmed). */
    List<String> tokens(String text) throws IOException {
        List<String> tokens = new ArrayList<>();
        try (TokenStream stream = analyzer.tokenStream("contents", text)) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            stream.reset();
            while (stream.incrementToken()) {
                tokens.add(term.toString());
            }
            stream.end();
        }
        return tokens;
    }

    @Override
    public void close() throws IOException {
        reader.close();
        directory.close();
        analyzer.close();
    }
}
