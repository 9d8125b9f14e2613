package ai.kard.retrieval;

import ai.kard.api.InvalidInputException;
import ai.kard.api.InvalidSettingException;
import ai.kard.api.KnowledgeBase;
import ai.kard.api.Passage;
import ai.kard.api.ScoredPassage;
import ai.kard.retrieval.internal.Analyzers;
import ai.kard.retrieval.internal.Bm25QueryBuilder;
import ai.kard.retrieval.internal.Fields;
import ai.kard.retrieval.internal.IndexMetadata;
import ai.kard.retrieval.internal.LuceneTopK;
import ai.kard.retrieval.internal.ParallelIndexer;
import ai.kard.retrieval.internal.SegmentedTopK;
import ai.kard.retrieval.internal.StoredPassages;
import ai.kard.retrieval.internal.WindowedMaxScore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexNotFoundException;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.MultiBits;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TopScoreDocCollectorManager;
import org.apache.lucene.search.Weight;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.IOUtils;
import org.apache.lucene.util.Version;

/**
 * A {@link KnowledgeBase} on a Lucene BM25 index, set up like Anserini's defaults: k1 = 0.9 and b = 0.4 unless
 * told otherwise, the same similarity at index and search time, Porter-stemmed English with Lucene's stop words,
 * title and text searched together in one {@code contents} field, ties broken by passage id.
 *
 * <p>Queries are plain text: they are analysed into terms, never parsed, so any string is safe, and a query of
 * thousands of words (a teacher rationale) works. {@link #score} computes a query's BM25 score for given
 * passages with the same Lucene similarity that {@link #search} uses, so both agree. Queries are ranked by {@code
 * WindowedMaxScore} in each segment (see {@code SegmentedTopK}), which returns Lucene's top-k (ties by id) several
 * times faster than Lucene 9.12's own disjunction scorer on rationale-length queries.
 *
 * <p>Index layout (format version 2), only what Kard reads: Anserini's {@code id} (a term, and sorted doc values
 * to read it back; not stored) and {@code contents} (title + "\n" + text, analysed; documents and frequencies
 * with norms, no positions); title and text LZ4-compressed per passage in binary doc values {@code raw}, so that
 * fetching a top-100 decompresses 100 passages and nothing else; a few segments (at most 4), not sorted (ties
 * are broken by id: by the id's ord inside a segment, by its bytes across segments); {@code
 * kard-index.json} with the format version, Lucene version, analyzer, k1, b, passage count and corpus files.
 * Indexes of format version 1 (positions, stored id, uncompressed {@code raw}, sorted by id so that doc order is
 * id order) open and search the same; other versions are refused with a message saying to rebuild.
 *
 * <p>Thread-safe: any number of threads may search at once. Close it to release the index.
 */
public final class LuceneKnowledgeBase implements KnowledgeBase {
    /** Passages between two progress reports during a build. */
    public static final long PROGRESS_EVERY = 100_000;
    /** A build leaves at most this many segments (usually one per indexing thread, as flushed). */
    private static final int MAX_SEGMENTS = 4;

    /** Format 1's index order: sorted by id, so that Lucene's own tie-break (doc id) is the tie-break by id. */
    private static final Sort ID_ORDER = new Sort(new SortField(Fields.ID, SortField.Type.STRING));
    /**
     * Queries with at least this many distinct terms (rationales) take {@link WindowedMaxScore} ({@link
     * SegmentedTopK} in an unsorted index) and shorter ones Lucene's own top-k ({@link LuceneTopK} there), which is
     * faster for a handful of terms.
     */
    private static final int WINDOWED_FROM_TERMS = 16;

    private final Directory directory;
    private final DirectoryReader reader;
    private final IndexSearcher searcher;
    private final Bm25QueryBuilder queries;
    private final Bm25Settings settings;
    private final Path indexDir;
    /** One id-sorted segment (format 1): doc order is id order. */
    private final boolean idOrdered;
    /** {@link IndexMetadata#formatVersion()}: how {@code raw} is laid out. */
    private final int formatVersion;

    private LuceneKnowledgeBase(Directory directory, Bm25Settings settings, Path indexDir, int formatVersion)
            throws IOException {
        this.directory = directory;
        this.reader = DirectoryReader.open(directory);
        this.searcher = new IndexSearcher(reader);
        this.searcher.setSimilarity(similarity(settings));
        this.queries = new Bm25QueryBuilder(Analyzers.english());
        this.settings = settings;
        this.indexDir = indexDir;
        this.formatVersion = formatVersion;
        this.idOrdered = reader.leaves().size() == 1
                && ID_ORDER.equals(reader.leaves().get(0).reader().getMetaData().getSort());
    }

    // ---------------------------------------------------------------- building and opening

    /**
     * Builds a persistent index from corpus files whose format is detected per file; see the full overload.
     *
     * @param corpusFiles the corpus files (JSON Lines, BEIR, TSV or plain text; gzip allowed)
     * @param indexDir the index directory (absent, or a previous Kard index, which is replaced)
     * @param settings the BM25 parameters
     * @param threads indexing threads, at least 1
     * @param progress told every {@link #PROGRESS_EVERY} passages and when the index is committed
     * @return the open knowledge base; the caller closes it
     * @throws IOException when a file cannot be read or written
     */
    public static LuceneKnowledgeBase build(List<Path> corpusFiles, Path indexDir, Bm25Settings settings, int threads,
                                            ProgressListener progress) throws IOException {
        return build(corpusFiles, CorpusFormat.AUTO, indexDir, settings, threads, progress);
    }

    /**
     * Builds a persistent index in {@code indexDir} from all {@code corpusFiles} (one index, ids unique across
     * files) and opens it. The index is written into a temporary sibling directory and renamed into place at the
     * end, so a failed build leaves {@code indexDir} as it was (absent, or the previous index). An existing
     * directory that is not a Kard index is never overwritten.
     *
     * @param format   format of every file, or {@link CorpusFormat#AUTO} to detect each
     * @param threads  indexing threads, at least 1 (the calling thread reads the corpus besides)
     * @param progress told every {@link #PROGRESS_EVERY} passages and once more when the index is committed
     * @throws InvalidInputException for a missing or malformed corpus file, a duplicate id, an empty corpus, or an
     *                               {@code indexDir} that exists and holds something else
     * @param corpusFiles the corpus files (JSON Lines, BEIR, TSV or plain text; gzip allowed)
     * @param indexDir the index directory (absent, or a previous Kard index, which is replaced)
     * @param settings the BM25 parameters
     * @return the open knowledge base; the caller closes it
     */
    public static LuceneKnowledgeBase build(List<Path> corpusFiles, CorpusFormat format, Path indexDir,
                                            Bm25Settings settings, int threads, ProgressListener progress)
            throws IOException {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(progress, "progress");
        if (corpusFiles == null || corpusFiles.isEmpty()) {
            throw new InvalidSettingException("no corpus files given");
        }
        if (threads < 1) {
            throw new InvalidSettingException("threads must be at least 1, got " + threads);
        }
        for (Path file : corpusFiles) {
            if (!Files.isRegularFile(file)) {
                throw new InvalidInputException(file, 0, Files.exists(file) ? "not a regular file" : "no such corpus file");
            }
        }
        Path target = indexDir.toAbsolutePath().normalize();
        checkReplaceable(target);
        Path parent = target.getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "." + target.getFileName() + ".building-");
        boolean installed = false;
        try {
            long start = System.nanoTime();
            long count;
            try (Directory dir = FSDirectory.open(tmp);
                 IndexWriter writer = new IndexWriter(dir, writerConfig(settings))) {
                count = indexFiles(writer, corpusFiles, format, threads, progress, start);
                // Merging everything into one segment rewrote the whole index on one thread: the largest single
                // cost of a build. Search handles several segments; this only bounds how many.
                writer.forceMerge(MAX_SEGMENTS);
                writer.commit();
            }
            progress.indexed(count, System.nanoTime() - start);
            List<String> names = corpusFiles.stream().map(Path::toString).toList();
            metadata(settings, count, names).write(tmp);
            install(tmp, target);
            installed = true;
        } finally {
            if (!installed) {
                deleteRecursively(tmp);
            }
        }
        return open(target, settings);
    }

    /**
     * Opens a persistent index with the BM25 settings it was built with.
     *
     * @param indexDir an index directory written by {@link #build}
     * @return the open knowledge base; the caller closes it
     * @throws IOException an {@link ai.kard.api.InvalidInputException} when the directory is not a usable Kard index
     */
    public static LuceneKnowledgeBase open(Path indexDir) throws IOException {
        return open(indexDir, null);
    }

    /**
     * Opens a persistent index and checks that it was built with {@code expected} (when not null), with this
     * analyzer and with a compatible Lucene version.
     *
     * @throws InvalidInputException when the directory is missing, is not a Kard index, or its settings conflict
     * @param indexDir an index directory written by {@link #build}
     * @param expected the BM25 settings the caller means to use, or null for the index's own
     * @return the open knowledge base; the caller closes it
     */
    public static LuceneKnowledgeBase open(Path indexDir, Bm25Settings expected) throws IOException {
        IndexMetadata meta = IndexMetadata.read(indexDir);
        Bm25Settings built = new Bm25Settings(meta.k1(), meta.b());
        if (expected != null && !expected.equals(built)) {
            throw new InvalidInputException(indexDir, 0, "index was built with " + built + " but " + expected
                    + " was requested; rebuild it with these settings or search with the index's own");
        }
        if (!Analyzers.NAME.equals(meta.analyzer())) {
            throw new InvalidInputException(indexDir, 0, "index was built with analyzer " + meta.analyzer()
                    + " but this version of Kard uses " + Analyzers.NAME + "; rebuild the index");
        }
        String major = meta.luceneVersion() == null ? "?" : meta.luceneVersion().split("\\.")[0];
        if (!major.equals(String.valueOf(Version.LATEST.major))) {
            throw new InvalidInputException(indexDir, 0, "index was written by Lucene " + meta.luceneVersion()
                    + ", this is Lucene " + Version.LATEST + "; rebuild the index");
        }
        Directory dir = FSDirectory.open(indexDir);
        try {
            LuceneKnowledgeBase kb = new LuceneKnowledgeBase(dir, built, indexDir, meta.formatVersion());
            if (kb.size() != meta.passages()) {
                kb.close();
                throw new InvalidInputException(indexDir, 0, "index holds " + kb.size() + " passages but its metadata says "
                        + meta.passages() + "; rebuild the index");
            }
            return kb;
        } catch (IndexNotFoundException e) {
            dir.close();
            throw new InvalidInputException(indexDir, 0, "no Lucene index next to " + IndexMetadata.FILE_NAME + "; rebuild the index");
        } catch (IOException | RuntimeException e) {
            IOUtils.closeWhileHandlingException(dir);
            throw e;
        }
    }

    /**
     * An index held in memory, for small corpora and tests.
     *
     * @throws IllegalArgumentException when {@code passages} is empty or has a duplicate id
     * @param passages the passages, ids unique
     * @param settings the BM25 parameters
     * @return the knowledge base; the caller closes it
     * @throws IOException when indexing fails
     */
    public static LuceneKnowledgeBase inMemory(List<Passage> passages, Bm25Settings settings) throws IOException {
        Objects.requireNonNull(settings, "settings");
        if (passages.isEmpty()) {
            throw new InvalidSettingException("no passages given");
        }
        Directory dir = new ByteBuffersDirectory();
        try {
            Set<String> ids = new HashSet<>();
            try (IndexWriter writer = new IndexWriter(dir, writerConfig(settings))) {
                for (Passage p : passages) {
                    if (!ids.add(p.id())) {
                        throw new InvalidSettingException("duplicate passage id '" + p.id() + "'");
                    }
                    writer.addDocument(ParallelIndexer.document(p));
                }
                writer.forceMerge(1);
                writer.commit();
            }
            return new LuceneKnowledgeBase(dir, settings, null, IndexMetadata.VERSION);
        } catch (IOException | RuntimeException e) {
            dir.close();
            throw e;
        }
    }

    private static IndexWriterConfig writerConfig(Bm25Settings settings) {
        IndexWriterConfig config = new IndexWriterConfig(Analyzers.english());
        config.setSimilarity(similarity(settings));
        config.setOpenMode(IndexWriterConfig.OpenMode.CREATE);
        config.setCommitOnClose(false);
        // Not sorted (sorting cost a fifth of the indexing CPU): ties are broken by the id at search time. No
        // compound files: a flushed segment would be copied once more into one.
        config.setUseCompoundFile(false);
        config.setRAMBufferSizeMB(ramBufferMB());
        return config;
    }

    /** A quarter of the heap, between 64 and 1,024 MB (Lucene caps one indexing thread's buffer at 1,945 MB). */
    private static double ramBufferMB() {
        double quarterHeap = Runtime.getRuntime().maxMemory() / 4.0 / (1 << 20);
        return Math.max(64, Math.min(1024, quarterHeap));
    }

    private static BM25Similarity similarity(Bm25Settings settings) {
        return new BM25Similarity(settings.k1(), settings.b());
    }

    private static IndexMetadata metadata(Bm25Settings settings, long passages, List<String> files) {
        return new IndexMetadata(IndexMetadata.FORMAT, IndexMetadata.VERSION, Version.LATEST.toString(),
                Analyzers.NAME, settings.k1(), settings.b(), passages, files);
    }

    private static long indexFiles(IndexWriter writer, List<Path> files, CorpusFormat format, int threads,
                                   ProgressListener progress, long start) throws IOException {
        long count = 0;
        Set<String> ids = new HashSet<>();
        try (ParallelIndexer indexer = new ParallelIndexer(writer, threads)) {
            for (Path file : files) {
                try (CorpusReader in = CorpusReader.open(file, format)) {
                    for (Passage p = in.next(); p != null; p = in.next()) {
                        if (!ids.add(p.id())) {
                            throw new InvalidInputException(file, in.line(), "duplicate passage id '" + p.id() + "'");
                        }
                        indexer.add(p);
                        if (++count % PROGRESS_EVERY == 0) {
                            progress.indexed(count, System.nanoTime() - start);
                        }
                    }
                }
            }
            if (count == 0) {
                throw files.size() == 1
                        ? new InvalidInputException(files.get(0), 0, "empty corpus: no passages")
                        : new InvalidInputException("empty corpus: no passages in " + files);
            }
            indexer.finish();
        }
        return count;
    }

    /** Refuses to replace anything but a Kard index or an empty directory. */
    private static void checkReplaceable(Path target) throws IOException {
        if (!Files.exists(target)) {
            return;
        }
        if (!Files.isDirectory(target)) {
            throw new InvalidInputException(target, 0, "exists and is not a directory; refusing to overwrite it");
        }
        try (Stream<Path> entries = Files.list(target)) {
            if (entries.findAny().isPresent() && !Files.isRegularFile(target.resolve(IndexMetadata.FILE_NAME))) {
                throw new InvalidInputException(target, 0,
                        "exists and is not a Kard index (no " + IndexMetadata.FILE_NAME + "); refusing to overwrite it");
            }
        }
    }

    /** Moves the finished index into place; a previous index there is moved aside first, then deleted. */
    private static void install(Path built, Path target) throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = target.resolveSibling("." + target.getFileName() + ".old-" + System.nanoTime());
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(built, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (old != null) {
                Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
            }
            throw e;
        }
        if (old != null) {
            deleteRecursively(old);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        IOUtils.rm(dir); // Lucene's recursive delete
    }

    // ---------------------------------------------------------------- searching

    @Override
    public List<ScoredPassage> search(String query, int k) throws IOException {
        Objects.requireNonNull(query, "query");
        if (k < 1) {
            throw new InvalidSettingException("k must be at least 1, got " + k);
        }
        Map<String, Integer> terms = queries.terms(query);
        if (terms.isEmpty()) {
            return List.of();
        }
        int n = Math.min(k, Math.max(1, reader.maxDoc()));
        int[] docs;
        float[] scores;
        if (!idOrdered) {
            // Any number of segments, ties by id. A handful of terms: Lucene's collector; more: windowed MaxScore.
            List<Query> clauses = queries.clauses(terms);
            WindowedMaxScore.Hits hits = terms.size() < WINDOWED_FROM_TERMS
                    ? LuceneTopK.search(searcher, queries.build(terms), clauses, n)
                    : SegmentedTopK.search(searcher, clauses, n);
            docs = hits.docs();
            scores = hits.scores();
        } else if (terms.size() >= WINDOWED_FROM_TERMS) {
            // Format 1: one id-sorted segment, where doc order is id order.
            WindowedMaxScore.Hits hits = WindowedMaxScore.search(searcher, reader.leaves().get(0),
                    queries.clauses(terms), n);
            docs = hits.docs();
            scores = hits.scores();
        } else {
            ScoreDoc[] hits = searcher.search(queries.build(terms), new TopScoreDocCollectorManager(n, null, n)).scoreDocs;
            docs = new int[hits.length];
            scores = new float[hits.length];
            for (int i = 0; i < hits.length; i++) {
                docs[i] = hits[i].doc;
                scores[i] = hits[i].score;
            }
        }
        Passage[] passages = StoredPassages.load(reader, docs, formatVersion);
        List<ScoredPassage> results = new ArrayList<>(docs.length);
        for (int i = 0; i < docs.length; i++) {
            results.add(new ScoredPassage(passages[i], scores[i]));
        }
        // Doc values order ids by UTF-8 bytes; String order differs only for rare supplementary characters.
        results.sort(ScoredPassage.BEST_FIRST);
        return results;
    }

    /** Searches every query on all available cores; results in query order. */
    @Override
    public List<List<ScoredPassage>> searchAll(List<String> queryTexts, int k) throws IOException {
        return searchAll(queryTexts, k, Runtime.getRuntime().availableProcessors());
    }

    /**
     * Searches every query on {@code threads} threads; results in query order.
     *
     * @param queryTexts the query texts
     * @param k passages per query
     * @param threads search threads, at least 1
     * @return the top {@code k} of each query, best first
     * @throws IOException when the index cannot be read
     */
    public List<List<ScoredPassage>> searchAll(List<String> queryTexts, int k, int threads) throws IOException {
        List<List<ScoredPassage>> results = new ArrayList<>(java.util.Collections.nCopies(queryTexts.size(), null));
        // Each index is written by one thread; the pool's completion publishes the writes.
        ParallelTasks.forEachIndex(queryTexts.size(), threads, i -> results.set(i, search(queryTexts.get(i), k)),
                "searching");
        return results;
    }

    /**
     * BM25 scores of {@code query} for the given passages, from the very Weight and Scorer Lucene uses in
     * {@link #search}, so a passage's score here equals its score there.
     */
    @Override
    public List<ScoredPassage> score(String query, Collection<String> passageIds) throws IOException {
        Objects.requireNonNull(query, "query");
        List<String> ids = List.copyOf(passageIds);
        int[] docs = new int[ids.size()];
        for (int i = 0; i < docs.length; i++) {
            docs[i] = docId(ids.get(i));
            if (docs[i] < 0) {
                throw new InvalidSettingException("unknown passage id '" + ids.get(i) + "'");
            }
        }
        float[] scores = new float[docs.length];
        Query q = queries.build(query);
        if (q != null) {
            Weight weight = searcher.createWeight(searcher.rewrite(q), ScoreMode.COMPLETE, 1f);
            List<LeafReaderContext> leaves = reader.leaves();
            // Visit documents leaf by leaf in increasing order, since a scorer only moves forward.
            Integer[] order = new Integer[docs.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingInt(i -> docs[i]));
            int leafIndex = -1;
            Scorer scorer = null;
            for (int i : order) {
                int leaf = ReaderUtil.subIndex(docs[i], leaves);
                LeafReaderContext ctx = leaves.get(leaf);
                if (leaf != leafIndex) {
                    leafIndex = leaf;
                    scorer = weight.scorer(ctx);
                }
                if (scorer == null) {
                    continue;
                }
                int target = docs[i] - ctx.docBase;
                DocIdSetIterator it = scorer.iterator();
                int at = it.docID() < target ? it.advance(target) : it.docID();
                if (at == target) {
                    scores[i] = scorer.score();
                }
            }
        }
        Passage[] passages = StoredPassages.load(reader, docs, formatVersion);
        List<ScoredPassage> results = new ArrayList<>(docs.length);
        for (int i = 0; i < docs.length; i++) {
            results.add(new ScoredPassage(passages[i], scores[i]));
        }
        return results;
    }

    @Override
    public Optional<Passage> passage(String id) throws IOException {
        int doc = docId(Objects.requireNonNull(id, "id"));
        return doc < 0 ? Optional.empty() : Optional.of(StoredPassages.load(reader, new int[] {doc}, formatVersion)[0]);
    }

    @Override
    public int size() {
        return reader.numDocs();
    }

    /**
     * Every passage, in index order (e.g. to encode a whole corpus for dense search). Holds them all in memory:
     * about the size of the corpus file.
     *
     * @return the passages
     * @throws IOException when the index cannot be read
     */
    public List<Passage> passages() throws IOException {
        Bits live = MultiBits.getLiveDocs(reader);
        int[] docs = new int[reader.numDocs()];
        int n = 0;
        for (int doc = 0; doc < reader.maxDoc(); doc++) {
            if (live == null || live.get(doc)) {
                docs[n++] = doc;
            }
        }
        return List.of(StoredPassages.load(reader, Arrays.copyOf(docs, n), formatVersion));
    }

    /**
     * The BM25 parameters this index scores with.
     *
     * @return the BM25 parameters
     */
    public Bm25Settings settings() {
        return settings;
    }

    /**
     * Where the index lives; empty for an in-memory index.
     *
     * @return the directory, or empty
     */
    public Optional<Path> indexDir() {
        return Optional.ofNullable(indexDir);
    }

    /**
     * The analysed terms of {@code text} with their counts, as a query would use them (for diagnostics).
     *
     * @param text the text to analyse
     * @return term to count
     */
    public Map<String, Integer> analyze(String text) {
        return queries.terms(text);
    }

    @Override
    public void close() throws IOException {
        IOUtils.close(reader, directory);
    }

    @Override
    public String toString() {
        return "LuceneKnowledgeBase[" + (indexDir == null ? "in memory" : indexDir) + ", " + size() + " passages, "
                + settings + "]";
    }

    private int docId(String id) throws IOException {
        Term term = new Term(Fields.ID, id);
        for (LeafReaderContext ctx : reader.leaves()) {
            PostingsEnum postings = ctx.reader().postings(term, PostingsEnum.NONE);
            if (postings != null) {
                int doc = postings.nextDoc();
                if (doc != DocIdSetIterator.NO_MORE_DOCS) {
                    return ctx.docBase + doc;
                }
            }
        }
        return -1;
    }
}
