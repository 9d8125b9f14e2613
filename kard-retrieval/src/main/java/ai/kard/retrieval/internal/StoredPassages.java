package ai.kard.retrieval.internal;

import ai.kard.api.Passage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.util.BytesRef;

/**
 * Reads passages back from doc values: the id from the {@code id} sorted doc values and title and text from the
 * {@code raw} binary doc values. Binary doc values are stored uncompressed, so fetching the 100 passages of a
 * top-100 result costs 100 memory reads; stored fields would decompress a whole LZ4 block per passage, which made
 * fetching, not searching, the bottleneck (about 8,000 passages/s on a loaded 2-core machine).
 */
public final class StoredPassages {
    private StoredPassages() {
    }

    /** {@code raw}: UTF-8 title length (4 bytes, big-endian), title, text. */
    public static BytesRef encode(Passage p) {
        byte[] title = p.title().getBytes(StandardCharsets.UTF_8);
        byte[] text = p.text().getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(4 + title.length + text.length);
        buf.putInt(title.length).put(title).put(text);
        return new BytesRef(buf.array());
    }

    private static Passage decode(String id, BytesRef raw) {
        ByteBuffer buf = ByteBuffer.wrap(raw.bytes, raw.offset, raw.length);
        int titleLength = buf.getInt();
        String title = new String(raw.bytes, raw.offset + 4, titleLength, StandardCharsets.UTF_8);
        int textStart = 4 + titleLength;
        String text = new String(raw.bytes, raw.offset + textStart, raw.length - textStart, StandardCharsets.UTF_8);
        return new Passage(id, title, text);
    }

    /** The passages of the given (global) doc ids, in the given order. Doc values only move forward, so sort first. */
    public static Passage[] load(IndexReader reader, int[] docs) throws IOException {
        Integer[] order = new Integer[docs.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(docs[a], docs[b]));
        List<LeafReaderContext> leaves = reader.leaves();
        Passage[] passages = new Passage[docs.length];
        int leafIndex = -1;
        SortedDocValues ids = null;
        BinaryDocValues raws = null;
        int lastDoc = -1;
        Passage last = null;
        for (int i : order) {
            int doc = docs[i];
            if (doc == lastDoc) {
                passages[i] = last;
                continue;
            }
            int leaf = ReaderUtil.subIndex(doc, leaves);
            LeafReaderContext ctx = leaves.get(leaf);
            if (leaf != leafIndex) {
                leafIndex = leaf;
                ids = DocValues.getSorted(ctx.reader(), Fields.ID);
                raws = DocValues.getBinary(ctx.reader(), Fields.RAW);
            }
            int target = doc - ctx.docBase;
            if (!ids.advanceExact(target) || !raws.advanceExact(target)) {
                throw new IOException("passage " + doc + " has no id or raw doc values; the index is corrupt");
            }
            String id = ids.lookupOrd(ids.ordValue()).utf8ToString();
            last = decode(id, raws.binaryValue());
            lastDoc = doc;
            passages[i] = last;
        }
        return passages;
    }
}
