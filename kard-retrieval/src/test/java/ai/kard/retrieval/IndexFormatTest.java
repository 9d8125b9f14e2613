package ai.kard.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.kard.api.InvalidInputException;
import ai.kard.api.Passage;
import ai.kard.api.ScoredPassage;
import ai.kard.retrieval.internal.Analyzers;
import ai.kard.retrieval.internal.Fields;
import ai.kard.retrieval.internal.IndexMetadata;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.Version;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an index holds (format version 2), and that a version 1 index still opens and reads the same. */
class IndexFormatTest {
    private static final List<Passage> PASSAGES = List.of(
            new Passage("b", "Café Ünïcode", "the quick brown fox jumps over the lazy dog, the fox again and again"),
            new Passage("a", "", "a lazy afternoon with a dog"),
            new Passage("c", "Foxes", "foxes are quick; foxes are brown ".repeat(20)));

    @TempDir
    Path tmp;

    @Test
    void holdsOnlyWhatKardReads() throws Exception {
        Path corpus = tmp.resolve("corpus.jsonl");
        StringBuilder lines = new StringBuilder();
        for (Passage p : PASSAGES) {
            lines.append("{\"id\":\"").append(p.id()).append("\",\"title\":\"").append(p.title())
                    .append("\",\"text\":\"").append(p.text()).append("\"}\n");
        }
        Files.writeString(corpus, lines);
        Path dir = tmp.resolve("index");
        try (LuceneKnowledgeBase kb = LuceneKnowledgeBase.build(List.of(corpus), dir, Bm25Settings.DEFAULT, 1,
                ProgressListener.NONE)) {
            for (Passage p : PASSAGES) {
                assertThat(kb.passage(p.id())).contains(p);
            }
            assertThat(kb.search("fox", 3)).extracting(ScoredPassage::id).containsExactly("c", "b");
        }
        assertThat(IndexMetadata.read(dir).formatVersion()).isEqualTo(2);
        try (FSDirectory d = FSDirectory.open(dir); DirectoryReader reader = DirectoryReader.open(d)) {
            LeafReader leaf = reader.leaves().get(0).reader();
            FieldInfo contents = leaf.getFieldInfos().fieldInfo(Fields.CONTENTS);
            assertThat(contents.getIndexOptions()).isEqualTo(IndexOptions.DOCS_AND_FREQS);
            assertThat(contents.hasNorms()).isTrue();
            // Nothing in stored fields: the id comes back from doc values.
            assertThat(leaf.storedFields().document(0).getFields()).isEmpty();
            // The repetitive third passage is stored in far fewer bytes than its text.
            var raw = leaf.getBinaryDocValues(Fields.RAW);
            int c = -1;
            var ids = leaf.getSortedDocValues(Fields.ID);
            for (int doc = 0; doc < leaf.maxDoc(); doc++) {
                ids.advanceExact(doc);
                if (ids.lookupOrd(ids.ordValue()).utf8ToString().equals("c")) {
                    c = doc;
                }
            }
            assertThat(raw.advanceExact(c)).isTrue();
            assertThat(raw.binaryValue().length).isLessThan(PASSAGES.get(2).text().length() / 4);
        }
    }

    @Test
    void versionOneIndexStillOpens() throws Exception {
        Path dir = tmp.resolve("v1");
        Sort byId = new Sort(new SortField(Fields.ID, SortField.Type.STRING));
        try (FSDirectory d = FSDirectory.open(dir);
             IndexWriter w = new IndexWriter(d, new IndexWriterConfig(Analyzers.english())
                     .setSimilarity(new BM25Similarity(0.9f, 0.4f)).setIndexSort(byId))) {
            for (Passage p : PASSAGES) {
                // Version 1's document: stored id, positions, uncompressed raw with a 4-byte title length.
                Document doc = new Document();
                doc.add(new StringField(Fields.ID, p.id(), Field.Store.YES));
                doc.add(new SortedDocValuesField(Fields.ID, new BytesRef(p.id())));
                doc.add(new TextField(Fields.CONTENTS, p.title().isEmpty() ? p.text() : p.title() + "\n" + p.text(),
                        Field.Store.NO));
                byte[] title = p.title().getBytes(StandardCharsets.UTF_8);
                byte[] text = p.text().getBytes(StandardCharsets.UTF_8);
                doc.add(new BinaryDocValuesField(Fields.RAW, new BytesRef(ByteBuffer.allocate(4 + title.length
                        + text.length).putInt(title.length).put(title).put(text).array())));
                w.addDocument(doc);
            }
            w.forceMerge(1);
            w.commit();
        }
        new IndexMetadata(IndexMetadata.FORMAT, 1, Version.LATEST.toString(), Analyzers.NAME, 0.9f, 0.4f,
                PASSAGES.size(), List.of()).write(dir);
        try (LuceneKnowledgeBase kb = LuceneKnowledgeBase.open(dir)) {
            for (Passage p : PASSAGES) {
                assertThat(kb.passage(p.id())).contains(p);
            }
            List<ScoredPassage> hits = kb.search("fox", 3);
            assertThat(hits).extracting(ScoredPassage::id).containsExactly("c", "b");
            assertThat(hits.get(1).passage()).isEqualTo(PASSAGES.get(0));
        }
    }

    @Test
    void unknownVersionIsRefusedWithTheReason() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("v9"));
        new IndexMetadata(IndexMetadata.FORMAT, 9, Version.LATEST.toString(), Analyzers.NAME, 0.9f, 0.4f, 1,
                List.of()).write(dir);
        assertThatThrownBy(() -> LuceneKnowledgeBase.open(dir)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("index format version 9 is not supported")
                .hasMessageContaining("newer Kard");
    }
}
