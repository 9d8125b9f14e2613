package ai.kard.retrieval.internal;

import java.io.IOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.util.BytesRef;

/** The passage ids of index documents, read from the id's sorted doc values (the order ties are broken in). */
final class PassageIds {
    private PassageIds() {
    }

    /**
     * The id bytes of each of {@code docs} (top-level doc ids of the reader whose {@code leaves} these are), in the
     * order of {@code docs}. Doc values move forward only, so they are read in doc order.
     */
    static BytesRef[] of(List<LeafReaderContext> leaves, int[] docs) throws IOException {
        Integer[] byDoc = new Integer[docs.length];
        for (int i = 0; i < byDoc.length; i++) {
            byDoc[i] = i;
        }
        Arrays.sort(byDoc, Comparator.comparingInt(i -> docs[i]));
        BytesRef[] ids = new BytesRef[docs.length];
        int leafIndex = -1;
        SortedDocValues values = null;
        for (int i : byDoc) {
            int leaf = ReaderUtil.subIndex(docs[i], leaves);
            if (leaf != leafIndex) {
                leafIndex = leaf;
                values = DocValues.getSorted(leaves.get(leaf).reader(), Fields.ID);
            }
            if (!values.advanceExact(docs[i] - leaves.get(leaf).docBase)) {
                throw new IOException("document " + docs[i] + " has no id doc values; the index is corrupt");
            }
            ids[i] = BytesRef.deepCopyOf(values.lookupOrd(values.ordValue()));
        }
        return ids;
    }
}
