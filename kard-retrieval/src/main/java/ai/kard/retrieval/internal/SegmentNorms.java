package ai.kard.retrieval.internal;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.WeakHashMap;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.search.DocIdSetIterator;

/**
 * A segment's norms of one field as a byte per document, read once and kept while the segment is open. Lucene's
 * scorers read the norm through a doc-values iterator per clause and posting; a rationale-length query reads a
 * few million postings, and an array read is the cheapest way to get each one's norm.
 */
final class SegmentNorms {
    /** Per segment core (deletions do not change norms) and field; weak, so a closed segment's array goes too. */
    private static final Map<IndexReader.CacheKey, Map<String, byte[]>> CACHE = new WeakHashMap<>();

    private SegmentNorms() {
    }

    /**
     * The norms of {@code field} in {@code reader}, indexed by doc id: the value Lucene's {@code LeafSimScorer}
     * passes to the similarity (0 for a document without one, 1 everywhere when the field has no norms).
     */
    static byte[] of(LeafReader reader, String field) throws IOException {
        IndexReader.CacheHelper helper = reader.getCoreCacheHelper();
        if (helper == null) {
            return read(reader, field);
        }
        synchronized (CACHE) {
            byte[] norms = CACHE.computeIfAbsent(helper.getKey(), key -> new HashMap<>()).get(field);
            if (norms != null) {
                return norms;
            }
        }
        byte[] norms = read(reader, field);
        synchronized (CACHE) {
            CACHE.computeIfAbsent(helper.getKey(), key -> new HashMap<>()).putIfAbsent(field, norms);
        }
        return norms;
    }

    private static byte[] read(LeafReader reader, String field) throws IOException {
        byte[] norms = new byte[reader.maxDoc()];
        NumericDocValues values = reader.getNormValues(field);
        if (values == null) {
            Arrays.fill(norms, (byte) 1);
            return norms;
        }
        for (int doc = values.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = values.nextDoc()) {
            // Lucene's norms for BM25 are one byte (SmallFloat.intToByte4 of the length).
            norms[doc] = (byte) values.longValue();
        }
        return norms;
    }
}
