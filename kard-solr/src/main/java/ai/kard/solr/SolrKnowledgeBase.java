package ai.kard.solr;

import ai.kard.api.Experimental;
import ai.kard.api.InvalidInputException;
import ai.kard.api.InvalidSettingException;
import ai.kard.api.KnowledgeBase;
import ai.kard.api.Passage;
import ai.kard.api.ScoredPassage;
import ai.kard.retrieval.Bm25Settings;
import ai.kard.retrieval.CorpusFormat;
import ai.kard.retrieval.CorpusReader;
import ai.kard.retrieval.ParallelTasks;
import ai.kard.retrieval.ProgressListener;
import ai.kard.solr.internal.BulkLoader;
import ai.kard.solr.internal.KardConfigSet;
import ai.kard.solr.internal.Retry;
import ai.kard.solr.internal.TermQueries;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.solr.client.solrj.SolrRequest;
import org.apache.solr.client.solrj.SolrServerException;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.client.solrj.request.CollectionAdminRequest;
import org.apache.solr.client.solrj.request.ConfigSetAdminRequest;
import org.apache.solr.client.solrj.request.QueryRequest;
import org.apache.solr.client.solrj.response.QueryResponse;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.SolrDocumentList;
import org.apache.solr.common.SolrException;
import org.apache.solr.common.cloud.ClusterState;
import org.apache.solr.common.cloud.DocCollection;
import org.apache.solr.common.params.ModifiableSolrParams;
import org.apache.solr.common.util.ContentStreamBase;

/**
 * A {@link KnowledgeBase} on a SolrCloud collection: the same analysis, BM25 scores and tie-break as
 * {@code ai.kard.retrieval.LuceneKnowledgeBase} on the same passages, however many shards the collection has.
 *
 * <p>How the scores stay equal: the collection uses Kard's configset (shipped in this jar, uploaded by
 * {@link #create}): {@code contents} = title + "\n" + text analysed at index time by Lucene's
 * {@code EnglishAnalyzer}, BM25 with the collection's k1 and b, and {@code ExactStatsCache}, which makes each
 * query first gather every shard's document frequencies and field statistics so that every shard scores with
 * the statistics of the whole collection. Queries are analysed here by the Lucene knowledge base's own query
 * builder and sent as escaped, count-boosted terms, so the query Solr runs is the one Lucene runs. Results are
 * sorted by score, then id, in Solr, so the k-th place is cut exactly where Lucene cuts it.
 *
 * <p>{@code cluster} is a ZooKeeper connect string ({@code host:port[,host:port...][/chroot]}) or one or more
 * Solr base URLs ({@code http://host:8983/solr}, comma-separated). Thread-safe; close it to release the client.
 */
@Experimental
public final class SolrKnowledgeBase implements KnowledgeBase {
    /** Fields a search brings back. */
    private static final String FIELDS = "id,title,text,score";
    /** Searches retried on a transient failure (a node just went away), three tries in all. */
    private static final BulkLoadOptions SEARCH_RETRY =
            new BulkLoadOptions(1, 1, 3, java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(2));
    /** Default client threads of {@link #searchAll(List, int)}: requests wait on the network more than the CPU. */
    public static final int DEFAULT_SEARCH_THREADS = 4;

    private final CloudSolrClient client;
    private final String cluster;
    private final String collection;
    private final Bm25Settings settings;
    private final TermQueries queries = new TermQueries();
    private volatile int size;

    private SolrKnowledgeBase(CloudSolrClient client, String cluster, String collection, Bm25Settings settings)
            throws IOException {
        this.client = client;
        this.cluster = cluster;
        this.collection = collection;
        this.settings = settings;
        this.size = count();
    }

    // ---------------------------------------------------------------- connecting and creating

    /**
     * Connects to an existing Kard collection and searches with the BM25 settings it was created with.
     *
     * @param cluster a ZooKeeper connect string or Solr base URLs
     * @param collection the collection name
     * @return the knowledge base; the caller closes it
     * @throws IOException when the cluster cannot be reached or refuses the request
     */
    public static SolrKnowledgeBase connect(String cluster, String collection) throws IOException {
        return connect(cluster, collection, null);
    }

    /**
     * Connects to an existing collection made by {@link #create} (or with Kard's configset).
     *
     * @param expected the BM25 settings the caller means to use, or {@code null} for the collection's own
     * @throws InvalidInputException when the cluster cannot be reached, the collection does not exist, it uses
     *                               another configset, or its settings are not {@code expected}
     * @param cluster a ZooKeeper connect string or Solr base URLs
     * @param collection the collection name
     * @return the knowledge base; the caller closes it
     */
    public static SolrKnowledgeBase connect(String cluster, String collection, Bm25Settings expected)
            throws IOException {
        requireName(collection);
        CloudSolrClient client = SolrClients.open(cluster);
        try {
            DocCollection state = collectionState(client, cluster, collection);
            if (state == null) {
                throw new InvalidInputException("no collection '" + collection + "' on SolrCloud at " + cluster
                        + "; create it with: kard index --solr " + cluster + " --collection " + collection
                        + " --corpus FILE");
            }
            Bm25Settings built = checkConfigSet(collection, state.getConfigName());
            if (expected != null && !expected.equals(built)) {
                throw new InvalidInputException("collection '" + collection + "' was created with " + built + " but "
                        + expected + " was requested; recreate it with these settings or search with its own");
            }
            return new SolrKnowledgeBase(client, cluster, collection, built);
        } catch (IOException | RuntimeException e) {
            closeQuietly(client, e);
            throw e;
        }
    }

    /**
     * Creates an empty collection of {@code shards} x {@code replicas} with Kard's configset for {@code settings}
     * (uploaded when the cluster does not have it yet) and connects to it; fill it with {@link #load}.
     *
     * @throws InvalidInputException when the cluster cannot be reached or the collection already exists
     * @param cluster a ZooKeeper connect string or Solr base URLs
     * @param collection the collection name
     * @param shards the number of shards
     * @param replicas replicas per shard
     * @param settings the BM25 parameters of the configset
     * @return the knowledge base; the caller closes it
     */
    public static SolrKnowledgeBase create(String cluster, String collection, int shards, int replicas,
                                           Bm25Settings settings) throws IOException {
        requireName(collection);
        Objects.requireNonNull(settings, "settings");
        if (shards < 1) {
            throw new InvalidSettingException("shards must be at least 1, got " + shards);
        }
        if (replicas < 1) {
            throw new InvalidSettingException("replicas must be at least 1, got " + replicas);
        }
        CloudSolrClient client = SolrClients.open(cluster);
        try {
            if (collectionState(client, cluster, collection) != null) {
                throw new InvalidInputException("collection '" + collection + "' already exists on SolrCloud at "
                        + cluster + "; delete it first or choose another name");
            }
            String configName = KardConfigSet.name(settings);
            List<String> configSets = new ConfigSetAdminRequest.List().process(client).getConfigSets();
            if (!configSets.contains(configName)) {
                ConfigSetAdminRequest.Upload upload = new ConfigSetAdminRequest.Upload();
                upload.setConfigSetName(configName);
                upload.setUploadStream(new ContentStreamBase.ByteArrayStream(KardConfigSet.zip(settings),
                        configName + ".zip", "application/zip"));
                upload.process(client);
            }
            CollectionAdminRequest.Create create =
                    CollectionAdminRequest.createCollection(collection, configName, shards, replicas);
            create.setWaitForFinalState(true);
            try {
                create.process(client);
            } catch (SolrServerException | SolrException e) {
                // Leave no half-made collection behind (cores that failed to start, a name taken).
                try {
                    CollectionAdminRequest.deleteCollection(collection).process(client);
                } catch (SolrServerException | SolrException | IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            return new SolrKnowledgeBase(client, cluster, collection, settings);
        } catch (SolrServerException e) {
            closeQuietly(client, e);
            throw new IOException("creating collection '" + collection + "' on " + cluster + " failed: "
                    + e.getMessage(), e);
        } catch (SolrException e) {
            closeQuietly(client, e);
            throw new IOException("creating collection '" + collection + "' on " + cluster + " failed: "
                    + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            closeQuietly(client, e);
            throw e;
        }
    }

    /**
     * Creates a collection and loads corpus files into it, as {@code LuceneKnowledgeBase.build} builds an index:
     * when the load fails, the new collection is deleted again, so a failed build leaves nothing behind.
     *
     * @see #create
     * @see #load(List, CorpusFormat, BulkLoadOptions, ProgressListener)
     * @param cluster a ZooKeeper connect string or Solr base URLs
     * @param collection the collection name
     * @param shards the number of shards
     * @param replicas replicas per shard
     * @param settings the BM25 parameters of the configset
     * @param corpusFiles the corpus files
     * @param format the corpus format, or {@code CorpusFormat.AUTO} to detect each file's
     * @param options how batches are sent and retried
     * @param progress told about the load's progress
     * @return the knowledge base; the caller closes it
     * @throws IOException when the cluster refuses the request or a corpus file cannot be read
     */
    public static SolrKnowledgeBase build(String cluster, String collection, int shards, int replicas,
                                          Bm25Settings settings, List<Path> corpusFiles, CorpusFormat format,
                                          BulkLoadOptions options, ProgressListener progress) throws IOException {
        if (corpusFiles == null || corpusFiles.isEmpty()) {
            throw new IllegalArgumentException("no corpus files given");
        }
        for (Path file : corpusFiles) {
            if (!java.nio.file.Files.isRegularFile(file)) {
                throw new InvalidInputException(file, 0, java.nio.file.Files.exists(file) ? "not a regular file"
                        : "no such corpus file");
            }
        }
        SolrKnowledgeBase kb = create(cluster, collection, shards, replicas, settings);
        try {
            kb.load(corpusFiles, format, options, progress);
            return kb;
        } catch (IOException | RuntimeException e) {
            try {
                CollectionAdminRequest.deleteCollection(collection).process(kb.client);
            } catch (SolrServerException | SolrException | IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            closeQuietly(kb.client, e);
            throw e;
        }
    }

    /**
     * Logs a load's progress at INFO through SLF4J, naming the collection.
     *
     * @param collection the collection named in the log lines
     * @return a listener that logs
     */
    public static ProgressListener loggingProgress(String collection) {
        org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SolrKnowledgeBase.class);
        return (passages, elapsedNanos) -> {
            double seconds = elapsedNanos / 1e9;
            log.info("loaded {} passages into '{}' in {} s ({} passages/s)", passages, collection,
                    String.format("%.1f", seconds), String.format("%.0f", passages / Math.max(seconds, 1e-9)));
        };
    }

    /**
     * Deletes a collection (not its configset); false when there was none.
     *
     * @param cluster a ZooKeeper connect string or Solr base URLs
     * @param collection the collection name
     * @return true when a collection was deleted
     * @throws IOException when the cluster cannot be reached or refuses the request
     */
    public static boolean delete(String cluster, String collection) throws IOException {
        try (CloudSolrClient client = SolrClients.open(cluster)) {
            if (collectionState(client, cluster, collection) == null) {
                return false;
            }
            CollectionAdminRequest.deleteCollection(collection).process(client);
            return true;
        } catch (SolrServerException | SolrException e) {
            throw new IOException("deleting collection '" + collection + "' failed: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- loading

    /**
     * Loads corpus files with {@link BulkLoadOptions#DEFAULT}; see the full overload.
     *
     * @param corpusFiles the corpus files
     * @param format the corpus format, or {@code CorpusFormat.AUTO} to detect each file's
     * @param progress told about the load's progress
     * @return the number of passages loaded
     * @throws IOException when the cluster refuses a batch after its retries
     */
    public long load(List<Path> corpusFiles, CorpusFormat format, ProgressListener progress) throws IOException {
        return load(corpusFiles, format, BulkLoadOptions.DEFAULT, progress);
    }

    /**
     * Loads corpus files (the readers and formats of {@code kard index}) into this collection, which must be
     * empty. Passages are read in order on the calling thread (duplicate ids are an error naming the file and
     * line, as for the Lucene index), sent in batches on {@code options.threads()} threads, and a batch that fails
     * transiently is sent again after a growing wait; the id is the unique key, so a batch sent twice still holds
     * each passage once. At the end the load commits, merges away the deleted copies that resending left (they
     * would count in BM25's statistics) and checks that the collection holds exactly the passages read.
     *
     * @return passages loaded
     * @throws InvalidInputException for a missing or malformed corpus file, a duplicate id or an empty corpus
     * @throws IOException           when a batch still fails after its last try, naming the batch; passages
     *                               reported to {@code progress} were acknowledged by Solr, nothing else was
     * @param corpusFiles the corpus files
     * @param format the corpus format, or {@code CorpusFormat.AUTO} to detect each file's
     * @param options how batches are sent and retried
     * @param progress told about the load's progress
     */
    public long load(List<Path> corpusFiles, CorpusFormat format, BulkLoadOptions options, ProgressListener progress)
            throws IOException {
        Objects.requireNonNull(format, "format");
        if (corpusFiles == null || corpusFiles.isEmpty()) {
            throw new IllegalArgumentException("no corpus files given");
        }
        List<CorpusReader> readers = new ArrayList<>();
        try {
            for (Path file : corpusFiles) {
                readers.add(CorpusReader.open(file, format));
            }
            return load(BulkLoader.fromReaders(readers), options, progress);
        } finally {
            for (CorpusReader r : readers) {
                r.close();
            }
        }
    }

    /**
     * Loads passages into this collection, which must be empty; as the file overload, for passages in memory.
     *
     * @throws IllegalArgumentException for a duplicate id or no passages
     * @param passages the passages, ids unique
     * @param options how batches are sent and retried
     * @param progress told about the load's progress
     * @return the number of passages loaded
     * @throws IOException when the cluster refuses a batch after its retries
     */
    public long load(Iterable<Passage> passages, BulkLoadOptions options, ProgressListener progress)
            throws IOException {
        Iterator<Passage> it = passages.iterator();
        return load(BulkLoader.fromIterator(it), options, progress);
    }

    private long load(BulkLoader.Source source, BulkLoadOptions options, ProgressListener progress)
            throws IOException {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(progress, "progress");
        int before = count();
        if (before != 0) {
            throw new InvalidInputException("collection '" + collection + "' already holds " + before
                    + " passages; Kard loads into an empty collection only (delete it and index again)");
        }
        BulkLoader.Result result = new BulkLoader(client, collection, options, progress).run(source);
        try {
            client.commit(collection, true, true);
            if (result.resent()) {
                // A resent batch replaced passages the first try had written: their deleted copies would still
                // count in document frequencies until merged away.
                client.optimize(collection, true, true, 1);
            }
        } catch (SolrServerException | SolrException e) {
            throw new IOException("committing the load into '" + collection + "' failed: " + e.getMessage(), e);
        }
        int after = count();
        if (after != result.passages()) {
            throw new IOException("collection '" + collection + "' holds " + after + " passages after loading "
                    + result.passages() + "; the load is incomplete, delete the collection and load again");
        }
        try {
            score("", result.sample()); // fetches every sampled passage; an unknown id throws
        } catch (IllegalArgumentException e) {
            throw new IOException("collection '" + collection + "' lacks a loaded passage: " + e.getMessage()
                    + "; delete the collection and load again", e);
        }
        size = after;
        return result.passages();
    }

    // ---------------------------------------------------------------- searching

    @Override
    public List<ScoredPassage> search(String query, int k) throws IOException {
        Objects.requireNonNull(query, "query");
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        String q = queries.query(query);
        if (q == null) {
            return List.of();
        }
        ModifiableSolrParams params = bm25(new ModifiableSolrParams(), q);
        params.set("rows", k);
        params.set("sort", "score desc,id asc");
        SolrDocumentList docs = query(params, "search");
        List<ScoredPassage> results = new ArrayList<>(docs.size());
        for (SolrDocument doc : docs) {
            results.add(scored(doc));
        }
        // Solr orders ids by UTF-8 bytes; String order differs only for rare supplementary characters.
        results.sort(ScoredPassage.BEST_FIRST);
        return results;
    }

    /**
     * {@code params} asking for the BM25 query {@code q} (Kard's analysed terms, plain Lucene syntax, any term may
     * match) with the stored fields and the score: what {@link #search} and {@link #score} both send.
     */
    private static ModifiableSolrParams bm25(ModifiableSolrParams params, String q) {
        params.set("q", q);
        params.set("defType", "lucene");
        params.set("df", "contents");
        params.set("q.op", "OR");
        params.set("sow", "true");
        params.set("fl", FIELDS);
        return params;
    }

    private ScoredPassage scored(SolrDocument doc) {
        return new ScoredPassage(passage(doc), ((Number) doc.getFieldValue("score")).floatValue());
    }

    /** Searches every query on {@link #DEFAULT_SEARCH_THREADS} client threads; results in query order. */
    @Override
    public List<List<ScoredPassage>> searchAll(List<String> queryTexts, int k) throws IOException {
        return searchAll(queryTexts, k, DEFAULT_SEARCH_THREADS);
    }

    /**
     * Searches every query with at most {@code threads} requests in flight; results in query order.
     *
     * @param queryTexts the query texts
     * @param k passages per query
     * @param threads at most this many threads
     * @return the top {@code k} of each query, best first
     * @throws IOException when the cluster cannot be reached or refuses the request
     */
    public List<List<ScoredPassage>> searchAll(List<String> queryTexts, int k, int threads) throws IOException {
        List<List<ScoredPassage>> results = new ArrayList<>(Collections.nCopies(queryTexts.size(), null));
        ParallelTasks.forEachIndex(queryTexts.size(), threads, i -> results.set(i, search(queryTexts.get(i), k)),
                "searching " + collection);
        return results;
    }

    /**
     * BM25 scores of {@code query} for the given passages: the same query as {@link #search}, filtered to these
     * ids, so each score is the one {@link #search} gives that passage (with the same global statistics).
     */
    @Override
    public List<ScoredPassage> score(String query, Collection<String> passageIds) throws IOException {
        Objects.requireNonNull(query, "query");
        List<String> ids = List.copyOf(passageIds);
        if (ids.isEmpty()) {
            return List.of();
        }
        LinkedHashSet<String> distinct = new LinkedHashSet<>(ids);
        Map<String, ScoredPassage> found = new HashMap<>();
        String q = queries.query(query);
        if (q != null) {
            for (SolrDocument doc : query(bm25(idFilter(distinct), q), "scoring")) {
                ScoredPassage hit = scored(doc);
                found.put(hit.passage().id(), hit);
            }
        }
        if (found.size() < distinct.size()) {
            // Passages that share no term with the query: fetch them to score 0, and find unknown ids.
            LinkedHashSet<String> rest = new LinkedHashSet<>(distinct);
            rest.removeAll(found.keySet());
            ModifiableSolrParams params = idFilter(rest);
            params.set("q", "*:*");
            params.set("fl", "id,title,text");
            for (SolrDocument doc : query(params, "fetching passages")) {
                Passage p = passage(doc);
                found.put(p.id(), new ScoredPassage(p, 0.0));
            }
        }
        List<ScoredPassage> results = new ArrayList<>(ids.size());
        for (String id : ids) {
            ScoredPassage sp = found.get(id);
            if (sp == null) {
                throw new IllegalArgumentException("unknown passage id '" + id + "'");
            }
            results.add(sp);
        }
        return results;
    }

    @Override
    public Optional<Passage> passage(String id) throws IOException {
        Objects.requireNonNull(id, "id");
        ModifiableSolrParams params = new ModifiableSolrParams();
        params.set("q", "{!term f=id v=$kard.id}");
        params.set("kard.id", id);
        params.set("fl", "id,title,text");
        params.set("rows", 1);
        SolrDocumentList docs = query(params, "fetching a passage");
        return docs.isEmpty() ? Optional.empty() : Optional.of(passage(docs.get(0)));
    }

    /** Passages in the collection when it was opened or last loaded. */
    @Override
    public int size() {
        return size;
    }

    /**
     * The BM25 parameters the collection scores with.
     *
     * @return the BM25 parameters
     */
    public Bm25Settings settings() {
        return settings;
    }

    /**
     * The collection searched.
     *
     * @return the collection name
     */
    public String collection() {
        return collection;
    }

    /**
     * The cluster this knowledge base is connected to.
     *
     * @return the ZooKeeper connect string or base URLs as given
     */
    public String cluster() {
        return cluster;
    }

    @Override
    public void close() throws IOException {
        client.close();
    }

    @Override
    public String toString() {
        return "SolrKnowledgeBase[" + collection + " on " + cluster + ", " + size + " passages, " + settings + "]";
    }

    // ---------------------------------------------------------------- internals

    private int count() throws IOException {
        ModifiableSolrParams params = new ModifiableSolrParams();
        params.set("q", "*:*");
        params.set("rows", 0);
        long n = queryResponse(params, "counting passages").getResults().getNumFound();
        if (n > Integer.MAX_VALUE) {
            throw new IOException("collection '" + collection + "' holds " + n + " passages, more than Kard can address");
        }
        return (int) n;
    }

    private static ModifiableSolrParams idFilter(Collection<String> ids) {
        StringBuilder joined = new StringBuilder();
        for (String id : ids) {
            if (id.indexOf('\u0001') >= 0) {
                throw new IllegalArgumentException("unknown passage id '" + id + "'");
            }
            if (joined.length() > 0) {
                joined.append('\u0001');
            }
            joined.append(id);
        }
        ModifiableSolrParams params = new ModifiableSolrParams();
        params.set("fq", "{!terms f=id separator=$kard.sep cache=false v=$kard.ids}");
        params.set("kard.sep", "\u0001");
        params.set("kard.ids", joined.toString());
        params.set("rows", ids.size());
        return params;
    }

    private SolrDocumentList query(ModifiableSolrParams params, String what) throws IOException {
        return queryResponse(params, what).getResults();
    }

    private QueryResponse queryResponse(ModifiableSolrParams params, String what) throws IOException {
        // POST: a rationale's query runs to thousands of terms, past any URL limit.
        QueryRequest request = new QueryRequest(params, SolrRequest.METHOD.POST);
        return Retry.call(SEARCH_RETRY, what + " in '" + collection + "'", () -> request.process(client, collection));
    }

    private static Passage passage(SolrDocument doc) {
        Object title = doc.getFieldValue("title");
        return new Passage((String) doc.getFieldValue("id"), title == null ? "" : (String) title,
                (String) doc.getFieldValue("text"));
    }

    private static DocCollection collectionState(CloudSolrClient client, String cluster, String collection)
            throws IOException {
        try {
            ClusterState.CollectionRef ref = client.getClusterStateProvider().getState(collection);
            if (ref == null) {
                String resolved = client.getClusterStateProvider().resolveSimpleAlias(collection);
                if (!resolved.equals(collection)) {
                    ref = client.getClusterStateProvider().getState(resolved);
                }
            }
            return ref == null ? null : ref.get();
        } catch (SolrException e) {
            throw new InvalidInputException("cannot read the state of collection '" + collection + "' from SolrCloud at "
                    + cluster + ": " + e.getMessage());
        }
    }

    private static Bm25Settings checkConfigSet(String collection, String configName) throws InvalidInputException {
        Optional<Integer> version = KardConfigSet.version(configName);
        if (version.isEmpty()) {
            throw new InvalidInputException("collection '" + collection + "' uses configset '" + configName
                    + "', not Kard's (kard-v" + KardConfigSet.VERSION + "-k1_<k1>-b_<b>); create the collection with "
                    + "kard index --solr so that analysis and BM25 match the Lucene index");
        }
        if (version.get() != KardConfigSet.VERSION) {
            throw new InvalidInputException("collection '" + collection + "' uses Kard configset '" + configName
                    + "' of layout version " + version.get() + ", this Kard uses version " + KardConfigSet.VERSION
                    + "; index the corpus again");
        }
        return KardConfigSet.settings(configName).orElseThrow(() -> new InvalidInputException(
                "collection '" + collection + "' uses configset '" + configName + "' with invalid BM25 settings"));
    }

    private static void requireName(String collection) {
        Objects.requireNonNull(collection, "collection");
        if (!collection.matches("[A-Za-z0-9_][A-Za-z0-9_.-]*")) {
            throw new InvalidSettingException("invalid collection name '" + collection
                    + "': use letters, digits, '_', '.' and '-', not starting with '.' or '-'");
        }
    }

    private static void closeQuietly(CloudSolrClient client, Exception cause) {
        try {
            client.close();
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    /** Opens SolrJ clients for a ZooKeeper connect string or Solr URLs, failing fast when nothing answers. */
    static final class SolrClients {
        static final int CONNECT_SECONDS = 15;

        private SolrClients() {
        }

        static CloudSolrClient open(String cluster) throws IOException {
            Objects.requireNonNull(cluster, "cluster");
            String spec = cluster.strip();
            if (spec.isEmpty()) {
                throw new InvalidSettingException("no SolrCloud given: pass a ZooKeeper host:port or a Solr URL");
            }
            probe(cluster, spec);
            CloudSolrClient client;
            try {
                if (spec.startsWith("http://") || spec.startsWith("https://")) {
                    client = new CloudSolrClient.Builder(List.of(spec.split(","))).build();
                } else {
                    int slash = spec.indexOf('/');
                    String hosts = slash < 0 ? spec : spec.substring(0, slash);
                    Optional<String> chroot = slash < 0 ? Optional.empty() : Optional.of(spec.substring(slash));
                    client = new CloudSolrClient.Builder(List.of(hosts.split(",")), chroot)
                            .withZkConnectTimeout(CONNECT_SECONDS, TimeUnit.SECONDS)
                            .withZkClientTimeout(30, TimeUnit.SECONDS)
                            .build();
                }
            } catch (RuntimeException e) {
                throw new InvalidInputException("cannot reach SolrCloud at " + cluster + ": " + oneLine(e));
            }
            try {
                client.connect(CONNECT_SECONDS, TimeUnit.SECONDS);
                client.getClusterStateProvider().getLiveNodes();
                return client;
            } catch (TimeoutException | RuntimeException e) {
                closeQuietly(client, e);
                throw new InvalidInputException("cannot reach SolrCloud at " + cluster + ": no usable answer in "
                        + CONNECT_SECONDS + " s (" + oneLine(e) + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closeQuietly(client, e);
                throw new InterruptedIOException("interrupted while connecting to " + cluster);
            }
        }

        /**
         * Fails at once, in one line, when no host of the connect string accepts a connection, rather than after
         * SolrJ's and ZooKeeper's retries.
         */
        private static void probe(String cluster, String spec) throws InvalidInputException {
            boolean http = spec.startsWith("http://") || spec.startsWith("https://");
            String hosts = http ? spec : spec.split("/", 2)[0];
            List<String> refused = new ArrayList<>();
            for (String host : hosts.split(",")) {
                String hostPort;
                int port;
                try {
                    if (http) {
                        java.net.URI uri = java.net.URI.create(host.strip());
                        port = uri.getPort() > 0 ? uri.getPort() : uri.getScheme().equals("https") ? 443 : 80;
                        hostPort = uri.getHost();
                    } else {
                        int colon = host.lastIndexOf(':');
                        hostPort = colon < 0 ? host.strip() : host.substring(0, colon).strip();
                        port = colon < 0 ? 2181 : Integer.parseInt(host.substring(colon + 1).strip());
                    }
                } catch (IllegalArgumentException | NullPointerException e) {
                    throw new InvalidInputException("cannot reach SolrCloud at " + cluster + ": '" + host
                            + "' is not a " + (http ? "URL" : "host:port"));
                }
                try (java.net.Socket socket = new java.net.Socket()) {
                    socket.connect(new java.net.InetSocketAddress(hostPort, port), 5000);
                    return;
                } catch (IOException | IllegalArgumentException e) {
                    String why = e instanceof java.net.UnknownHostException ? "unknown host"
                            : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                    refused.add(hostPort + ":" + port + " (" + why + ")");
                }
            }
            throw new InvalidInputException("cannot reach SolrCloud at " + cluster + ": no connection to "
                    + String.join(", ", refused));
        }

        private static String oneLine(Exception e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (root != e && root.getMessage() != null && !message.contains(root.getMessage())) {
                message += " (" + root.getMessage() + ")";
            }
            return message.replace('\n', ' ');
        }
    }
}
