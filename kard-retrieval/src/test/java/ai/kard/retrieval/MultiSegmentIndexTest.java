package ai.kard.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.kard.api.Passage;
import ai.kard.api.ScoredPassage;
import ai.kard.retrieval.internal.Analyzers;
import ai.kard.retrieval.internal.IndexMetadata;
import ai.kard.retrieval.internal.ParallelIndexer;
import java.nio.file.Path;
import java.util.List;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Version;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Kard index has a few unsorted segments: search must rank ties by id across segments and agree with {@code
 * score} (SegmentedTopKTest compares with Lucene at scale).
 */
class MultiSegmentIndexTest {
    @TempDir
    Path tmp;

    @Test
    void unsortedSegmentsStillBreakTiesById() throws Exception {
        Path dir = tmp.resolve("multi");
        List<List<Passage>> segments = List.of(
                List.of(new Passage("z", "", "same words here"), new Passage("b", "", "same words here")),
                List.of(new Passage("m", "", "same words here"), new Passage("a", "", "other words entirely")));
        try (FSDirectory d = FSDirectory.open(dir);
             IndexWriter w = new IndexWriter(d, new IndexWriterConfig(Analyzers.english())
                     .setSimilarity(new BM25Similarity(0.9f, 0.4f)))) {
            for (List<Passage> segment : segments) {
                for (Passage p : segment) {
                    w.addDocument(ParallelIndexer.document(p));
                }
                w.commit();
            }
        }
        new IndexMetadata(IndexMetadata.FORMAT, IndexMetadata.VERSION, Version.LATEST.toString(), Analyzers.NAME,
                0.9f, 0.4f, 4, List.of()).write(dir);
        try (LuceneKnowledgeBase kb = LuceneKnowledgeBase.open(dir)) {
            List<ScoredPassage> results = kb.search("same words", 10);
            assertThat(results).extracting(ScoredPassage::id).containsExactly("b", "m", "z", "a");
            assertThat(kb.search("same words", 1)).extracting(ScoredPassage::id).containsExactly("b");
            List<ScoredPassage> rescored = kb.score("same words", results.stream().map(ScoredPassage::id).toList());
            for (int i = 0; i < results.size(); i++) {
                assertThat(rescored.get(i).score()).isCloseTo(results.get(i).score(), within(1e-5));
            }
            assertThat(kb.passage("m")).contains(segments.get(1).get(0));
            // Every passage of every segment, once (what dense retrieval encodes).
            assertThat(kb.passages()).containsExactlyInAnyOrderElementsOf(
                    segments.stream().flatMap(List::stream).toList());
        }
    }
}
