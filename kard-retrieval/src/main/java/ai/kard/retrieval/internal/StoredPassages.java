package ai.kard.retrieval.internal;

import ai.kard.api.Passage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.lucene.codecs.compressing.CompressionMode;
import org.apache.lucene.codecs.compressing.Compressor;
import org.apache.lucene.codecs.compressing.Decompressor;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.store.ByteArrayDataInput;
import org.apache.lucene.store.ByteArrayDataOutput;
import org.apache.lucene.store.ByteBuffersDataInput;
import org.apache.lucene.util.BytesRef;

/**
 * Passages in the {@code raw} binary doc values, read back with the id from the {@code id} sorted doc values.
 * Binary doc values are read by direct access, so fetching the 100 passages of a top-100 result costs 100 memory
 * reads; stored fields would decompress a whole LZ4 block (tens of KB) per passage, which made fetching, not
 * searching, the bottleneck (about 8,000 passages/s on a loaded 2-core machine).
 *
 * <p>Two layouts, told apart by the index's format version ({@link IndexMetadata#formatVersion()}):
 * <ul>
 *   <li>1: title length (4 bytes, big-endian), title, text, all UTF-8, uncompressed;
 *   <li>2 (written now): UTF-8 length of title + text (vint), title length (vint), then title and text compressed
 *       together with LZ4 (Lucene's {@link CompressionMode#FAST}), each passage on its own so that reading one decompresses only its own bytes.
 * </ul>
 */
public final class StoredPassages {
    /** The layout {@link #encode} writes. */
    public static final int LAYOUT = 2;

    /** Lucene's LZ4 (its {@code FAST} stored-fields mode); a compressor holds a hash table, one per thread. */
    private static final ThreadLocal<Compressor> COMPRESSORS =
            ThreadLocal.withInitial(CompressionMode.FAST::newCompressor);
    private static final Decompressor DECOMPRESSOR = CompressionMode.FAST.newDecompressor();

    private StoredPassages() {
    }

    /** The {@code raw} value of a passage in layout {@value #LAYOUT}. */
    public static BytesRef encode(Passage p) {
        byte[] title = p.title().getBytes(StandardCharsets.UTF_8);
        byte[] text = p.text().getBytes(StandardCharsets.UTF_8);
        byte[] plain = new byte[title.length + text.length];
        System.arraycopy(title, 0, plain, 0, title.length);
        System.arraycopy(text, 0, plain, title.length, text.length);
        // LZ4's worst case: the input plus a small overhead; two vints at most 10 bytes.
        byte[] buffer = new byte[plain.length + plain.length / 255 + 32];
        ByteArrayDataOutput out = new ByteArrayDataOutput(buffer);
        try {
            out.writeVInt(plain.length);
            out.writeVInt(title.length);
            COMPRESSORS.get().compress(new ByteBuffersDataInput(List.of(ByteBuffer.wrap(plain))), out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a byte array cannot fail", e);
        }
        return new BytesRef(buffer, 0, out.getPosition());
    }

    private static Passage decode(String id, BytesRef raw, int layout) throws IOException {
        if (layout == 1) {
            ByteBuffer buf = ByteBuffer.wrap(raw.bytes, raw.offset, raw.length);
            int titleLength = buf.getInt();
            String title = new String(raw.bytes, raw.offset + 4, titleLength, StandardCharsets.UTF_8);
            int textStart = 4 + titleLength;
            String text = new String(raw.bytes, raw.offset + textStart, raw.length - textStart, StandardCharsets.UTF_8);
            return new Passage(id, title, text);
        }
        ByteArrayDataInput in = new ByteArrayDataInput(raw.bytes, raw.offset, raw.length);
        int length = in.readVInt();
        int titleLength = in.readVInt();
        BytesRef plain = new BytesRef();
        DECOMPRESSOR.clone().decompress(in, length, 0, length, plain);
        return new Passage(id, new String(plain.bytes, plain.offset, titleLength, StandardCharsets.UTF_8),
                new String(plain.bytes, plain.offset + titleLength, length - titleLength, StandardCharsets.UTF_8));
    }

    /**
     * The passages of the given (global) doc ids, in the given order, from an index whose {@code raw} values are
     * in {@code layout}. Doc values only move forward, so sort first.
     */
    public static Passage[] load(IndexReader reader, int[] docs, int layout) throws IOException {
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
            last = decode(id, raws.binaryValue(), layout);
            lastDoc = doc;
            passages[i] = last;
        }
        return passages;
    }
}
