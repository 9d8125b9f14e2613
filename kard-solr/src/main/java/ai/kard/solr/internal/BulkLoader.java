package ai.kard.solr.internal;

import ai.kard.api.InvalidInputException;
import ai.kard.api.Passage;
import ai.kard.retrieval.CorpusReader;
import ai.kard.retrieval.LuceneKnowledgeBase;
import ai.kard.retrieval.ProgressListener;
import ai.kard.solr.BulkLoadOptions;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.solr.client.solrj.SolrClient;
import org.apache.solr.client.solrj.request.UpdateRequest;
import org.apache.solr.common.SolrInputDocument;

/**
 * Sends passages to a collection in batches on a few threads, retrying transient failures. The calling thread
 * reads the passages (so line numbers and the duplicate-id check stay sequential) and at most
 * {@code 2 x threads} batches wait at a time, so memory stays bounded. Only acknowledged batches are counted and
 * reported; the first batch that fails for good stops the load and is named in the exception.
 */
public final class BulkLoader {
    /** Passages whose presence the caller checks after the load. */
    public static final int SAMPLE = 200;

    /** Where passages come from; {@code where()} names the last one for error messages. */
    public interface Source {
        Passage next() throws IOException;

        String where();

        /** A duplicate id: an {@link InvalidInputException} naming the file and line, as the Lucene build does. */
        IOException duplicate(String id);
    }

    /** What a load did. */
    public record Result(long passages, boolean resent, List<String> sample) {
    }

    private final SolrClient client;
    private final String collection;
    private final BulkLoadOptions options;
    private final ProgressListener progress;
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicBoolean resent = new AtomicBoolean();
    private final AtomicReference<IOException> failure = new AtomicReference<>();

    public BulkLoader(SolrClient client, String collection, BulkLoadOptions options, ProgressListener progress) {
        this.client = client;
        this.collection = collection;
        this.options = options;
        this.progress = progress;
    }

    public static Source fromReaders(List<CorpusReader> readers) {
        Iterator<CorpusReader> files = readers.iterator();
        return new Source() {
            CorpusReader current = files.hasNext() ? files.next() : null;

            @Override
            public Passage next() throws IOException {
                while (current != null) {
                    Passage p = current.next();
                    if (p != null) {
                        return p;
                    }
                    current = files.hasNext() ? files.next() : null;
                }
                return null;
            }

            @Override
            public String where() {
                return current == null ? "end of corpus" : current.file() + ":" + current.line();
            }

            @Override
            public IOException duplicate(String id) {
                return new InvalidInputException(current.file(), current.line(), "duplicate passage id '" + id + "'");
            }
        };
    }

    public static Source fromIterator(Iterator<Passage> passages) {
        return new Source() {
            long n;

            @Override
            public Passage next() {
                if (!passages.hasNext()) {
                    return null;
                }
                n++;
                return passages.next();
            }

            @Override
            public String where() {
                return "passage " + n;
            }

            @Override
            public IOException duplicate(String id) {
                throw new IllegalArgumentException("duplicate passage id '" + id + "' (passage " + n + ")");
            }
        };
    }

    public Result run(Source source) throws IOException {
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(options.threads(), r -> {
            Thread t = new Thread(r, "kard-solr-loader");
            t.setDaemon(true);
            return t;
        });
        Semaphore inFlight = new Semaphore(2 * options.threads());
        Set<String> ids = new HashSet<>();
        Random random = new Random(42);
        List<String> sample = new ArrayList<>(SAMPLE);
        long read = 0;
        long nextReport = LuceneKnowledgeBase.PROGRESS_EVERY;
        List<Passage> batch = new ArrayList<>(options.batchSize());
        String batchStart = null;
        boolean finished = false;
        try {
            for (Passage p = source.next(); p != null; p = source.next()) {
                if (!ids.add(p.id())) {
                    throw source.duplicate(p.id());
                }
                read++;
                // Reservoir sample of the ids, checked once the load is committed.
                if (sample.size() < SAMPLE) {
                    sample.add(p.id());
                } else {
                    long slot = (long) (random.nextDouble() * read);
                    if (slot < SAMPLE) {
                        sample.set((int) slot, p.id());
                    }
                }
                if (batch.isEmpty()) {
                    batchStart = source.where();
                }
                batch.add(p);
                if (batch.size() == options.batchSize()) {
                    submit(pool, inFlight, batch, batchStart, read - batch.size());
                    batch = new ArrayList<>(options.batchSize());
                }
                if (acknowledged.get() >= nextReport) {
                    progress.indexed(acknowledged.get(), System.nanoTime() - start);
                    nextReport += LuceneKnowledgeBase.PROGRESS_EVERY;
                }
            }
            if (read == 0) {
                throw new InvalidInputException("the corpus holds no passages");
            }
            if (!batch.isEmpty()) {
                submit(pool, inFlight, batch, batchStart, read - batch.size());
            }
            pool.shutdown();
            while (!pool.awaitTermination(1, TimeUnit.SECONDS)) {
                rethrow();
            }
            rethrow();
            finished = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while loading into '" + collection + "'");
        } finally {
            if (!finished) {
                pool.shutdownNow();
                try {
                    pool.awaitTermination(1, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        progress.indexed(acknowledged.get(), System.nanoTime() - start);
        return new Result(read, resent.get(), List.copyOf(sample));
    }

    private void submit(ExecutorService pool, Semaphore inFlight, List<Passage> batch, String where, long first)
            throws IOException, InterruptedException {
        rethrow();
        inFlight.acquire();
        pool.execute(() -> {
            try {
                if (failure.get() != null) {
                    return;
                }
                UpdateRequest request = new UpdateRequest();
                for (Passage p : batch) {
                    SolrInputDocument doc = new SolrInputDocument();
                    doc.addField("id", p.id());
                    doc.addField("title", p.title());
                    doc.addField("text", p.text());
                    doc.addField("contents", contents(p));
                    request.add(doc);
                }
                String what = "sending passages " + (first + 1) + ".." + (first + batch.size()) + " (from " + where
                        + ") to '" + collection + "'";
                Retry.call(options, what, () -> request.process(client, collection), () -> resent.set(true));
                acknowledged.addAndGet(batch.size());
            } catch (IOException e) {
                failure.compareAndSet(null, e);
            } catch (RuntimeException e) {
                failure.compareAndSet(null, new IOException("loading into '" + collection + "' failed: " + e, e));
            } finally {
                inFlight.release();
            }
        });
    }

    private void rethrow() throws IOException {
        IOException e = failure.get();
        if (e != null) {
            throw new IOException(e.getMessage() + "; " + acknowledged.get() + " passages were acknowledged before; "
                    + "the collection is incomplete: delete it and load again", e);
        }
    }

    /** What BM25 searches, exactly as the Lucene index writes it: title and text on two lines, or the text. */
    static String contents(Passage p) {
        return p.title().isEmpty() ? p.text() : p.title() + "\n" + p.text();
    }
}
