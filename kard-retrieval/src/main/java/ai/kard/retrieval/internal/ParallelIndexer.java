package ai.kard.retrieval.internal;

import ai.kard.api.Passage;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.util.BytesRef;

/**
 * Feeds an {@link IndexWriter} from several threads. The caller reads the corpus on its own thread (so line
 * numbers and duplicate checks stay sequential) and hands passages over in batches; analysis and inversion, the
 * expensive part, run on the pool. At most a few batches wait at a time, so memory stays bounded.
 */
public final class ParallelIndexer implements AutoCloseable {
    private static final int BATCH = 256;

    private final IndexWriter writer;
    private final ExecutorService pool;
    private final Semaphore inFlight;
    private final int inFlightLimit;
    private final int threads;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private List<Passage> batch = new ArrayList<>(BATCH);

    public ParallelIndexer(IndexWriter writer, int threads) {
        this.writer = writer;
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "kard-indexer");
            t.setDaemon(true);
            return t;
        });
        this.threads = threads;
        this.inFlightLimit = 2 * threads;
        this.inFlight = new Semaphore(inFlightLimit);
    }

    /**
     * {@code contents}: analysed, documents and term frequencies with norms, which is all BM25 reads; no positions
     * (no phrase or proximity queries in Kard), not stored.
     */
    private static final FieldType CONTENTS_TYPE = new FieldType();

    static {
        CONTENTS_TYPE.setTokenized(true);
        CONTENTS_TYPE.setIndexOptions(IndexOptions.DOCS_AND_FREQS);
        CONTENTS_TYPE.setStored(false);
        CONTENTS_TYPE.freeze();
    }

    /**
     * The Lucene document of a passage, holding only what Kard reads: Anserini's {@code id} (a term for id look-ups,
     * and sorted doc values for the index sort and for reading the id back; not stored) and {@code contents}
     * (analysed, see {@link #CONTENTS_TYPE}), plus {@code raw} title and text (see {@link StoredPassages}).
     */
    public static Document document(Passage p) {
        Document doc = new Document();
        doc.add(new StringField(Fields.ID, p.id(), Field.Store.NO));
        doc.add(new SortedDocValuesField(Fields.ID, new BytesRef(p.id())));
        doc.add(new Field(Fields.CONTENTS, contents(p), CONTENTS_TYPE));
        doc.add(new BinaryDocValuesField(Fields.RAW, StoredPassages.encode(p)));
        return doc;
    }

    /** What BM25 searches: title and text together, as in Anserini's "flat" BEIR indexes. */
    public static String contents(Passage p) {
        return p.title().isEmpty() ? p.text() : p.title() + "\n" + p.text();
    }

    public void add(Passage passage) throws IOException {
        batch.add(passage);
        if (batch.size() == BATCH) {
            submit();
        }
    }

    /**
     * Indexes what is left, waits for every batch, then flushes the in-memory segments on the pool's threads at
     * once (a commit would flush them one after another on the calling thread: a tenth of a build's CPU time, with
     * the other cores idle). Rethrows the first failure of any worker.
     */
    public void finish() throws IOException {
        if (!batch.isEmpty()) {
            submit();
        }
        // Every batch holds a permit until it is indexed: holding them all means all are.
        try {
            inFlight.acquire(inFlightLimit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while indexing");
        }
        inFlight.release(inFlightLimit);
        rethrow();
        for (int i = 0; i < threads; i++) {
            pool.execute(() -> {
                try {
                    // Each call flushes one pending or the largest in-memory segment on this thread.
                    while (failure.get() == null && writer.flushNextBuffer()) {
                        // flushed one; look for the next
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            });
        }
        pool.shutdown();
        try {
            while (!pool.awaitTermination(1, TimeUnit.MINUTES)) {
                rethrow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while indexing");
        }
        rethrow();
    }

    private void submit() throws IOException {
        rethrow();
        List<Passage> work = batch;
        batch = new ArrayList<>(BATCH);
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while indexing");
        }
        pool.execute(() -> {
            try {
                List<Document> docs = new ArrayList<>(work.size());
                for (Passage p : work) {
                    docs.add(document(p));
                }
                writer.addDocuments(docs);
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            } finally {
                inFlight.release();
            }
        });
    }

    private void rethrow() throws IOException {
        Throwable t = failure.get();
        if (t instanceof IOException io) {
            throw io;
        }
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error err) {
            throw err;
        }
        if (t != null) {
            throw new IOException("indexing failed", t);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
        try {
            pool.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
