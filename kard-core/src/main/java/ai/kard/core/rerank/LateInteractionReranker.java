package ai.kard.core.rerank;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.kard.api.Passage;
import ai.kard.api.Reranker;
import ai.kard.api.ScoredPassage;
import ai.kard.core.internal.checkpoint.AtomicFiles;
import ai.kard.core.checkpoint.CheckpointException;
import ai.kard.core.model.ModelOptions;
import ai.kard.core.internal.model.common.NoGrad;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.cache.CacheStats;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Reranker} on a {@link LateInteractionScorer}. Passage token vectors are cached by passage id in a bounded
 * LRU and can be precomputed for a whole knowledge base into a file ({@link #precompute}, {@link #loadPrecomputed}),
 * so reranking encodes only the question. Thread-safe; every call scopes its native arrays.
 *
 * <p>Cached vectors belong to the current weights: call {@link #clearCache()} after training the scorer.
 */
public final class LateInteractionReranker implements Reranker, AutoCloseable {
    /** Passage vectors kept in the LRU cache by default. */
    public static final int DEFAULT_CACHE_SIZE = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(LateInteractionReranker.class);
    private static final int ENCODE_BATCH = 32;
    private static final long MAGIC = 0x4B41524450563031L; // "KARDPV01"

    private final LateInteractionScorer scorer;
    private final Cache<String, PassageVectors> cache;
    private volatile Map<String, PassageVectors> precomputed = Map.of();
    private final AtomicLong encoded = new AtomicLong();

    /** Token vectors of one passage: {@code length x dim} floats, row-major, for the text with this hash. */
    private record PassageVectors(int textHash, int length, float[] values) {
    }

    /**
     * Takes ownership of {@code scorer}; {@code cacheSize} passages are kept (0 disables the cache).
     *
     * @param scorer the scorer (owned from now on)
     * @param cacheSize passage vectors kept, 0 disables the cache
     */
    public LateInteractionReranker(LateInteractionScorer scorer, int cacheSize) {
        if (cacheSize < 0) {
            throw new IllegalArgumentException("cache size must be >= 0, got " + cacheSize);
        }
        this.scorer = Objects.requireNonNull(scorer, "scorer");
        this.cache = CacheBuilder.newBuilder().maximumSize(cacheSize).recordStats().build();
    }

    /**
     * Loads a reranker folder written by {@link LateInteractionScorer#save} on the CPU, default cache size.
     *
     * @param folder a reranker folder
     * @return the reranker; the caller closes it
     * @throws IOException when a file cannot be read or written
     */
    public static LateInteractionReranker load(Path folder) throws IOException {
        return load(folder, ModelOptions.cpu(), DEFAULT_CACHE_SIZE);
    }

    /**
     * Loads a reranker folder written by {@link LateInteractionScorer#save}.
     *
     * @param folder a reranker folder
     * @param options where the model runs (device, data type)
     * @param cacheSize passage vectors kept, 0 disables the cache
     * @return the reranker; the caller closes it
     * @throws IOException when a file cannot be read or written
     */
    public static LateInteractionReranker load(Path folder, ModelOptions options, int cacheSize) throws IOException {
        return new LateInteractionReranker(LateInteractionScorer.load(folder, options), cacheSize);
    }

    @Override
    public List<ScoredPassage> rerank(String query, List<Passage> candidates, int k) {
        Objects.requireNonNull(query, "query");
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, got " + k);
        }
        float[] scores = scores(query, candidates);
        List<ScoredPassage> scored = new ArrayList<>(candidates.size());
        for (int i = 0; i < scores.length; i++) {
            scored.add(new ScoredPassage(candidates.get(i), scores[i]));
        }
        scored.sort(ScoredPassage.BEST_FIRST);
        return List.copyOf(scored.subList(0, Math.min(k, scored.size())));
    }

    /**
     * The score of each candidate for {@code query}, in the candidates' order.
     *
     * @param query the question text
     * @param candidates the passages to score
     * @return one score per candidate
     */
    public float[] scores(String query, List<Passage> candidates) {
        if (candidates.isEmpty()) {
            return new float[0];
        }
        try (NoGrad ignored = new NoGrad()) {
            return scoresWithoutGrad(query, candidates);
        }
    }

    private float[] scoresWithoutGrad(String query, List<Passage> candidates) {
        List<PassageVectors> vectors = passageVectors(candidates);
        int dim = scorer.settings().dim();
        int docs = vectors.size();
        int length = vectors.stream().mapToInt(PassageVectors::length).max().orElseThrow();
        float[] flat = new float[docs * length * dim];
        long[] mask = new long[docs * length];
        for (int d = 0; d < docs; d++) {
            PassageVectors v = vectors.get(d);
            System.arraycopy(v.values(), 0, flat, d * length * dim, v.values().length);
            Arrays.fill(mask, d * length, d * length + v.length(), 1L);
        }
        try (NDManager scope = scorer.manager().newSubManager()) {
            NDList q = scorer.vectors(scope, List.of(scorer.queryTokens(query)));
            NDArray dv = scope.create(flat, new Shape(docs, length, dim)).toType(q.get(0).getDataType(), false);
            NDArray dmask = scope.create(mask, new Shape(docs, length));
            return LateInteractionScorer.maxSim(q.get(0), q.get(1), dv, dmask).squeeze(0)
                    .toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        }
    }

    /**
     * The scores of many questions' candidate lists ({@code result.get(q)[i]} for {@code candidates.get(q).get(i)}),
     * each distinct passage encoded once, chunk by chunk, and scored against the questions that have it: memory
     * stays at one chunk of passage vectors however many passages there are (the LRU cache is neither read nor
     * filled). For evaluation runs, e.g. a whole query set's BM25 top-100; progress is logged per chunk.
     *
     * @param queries the question texts
     * @param candidates each question's candidate passages
     * @return one score array per question
     */
    public List<float[]> scoreAll(List<String> queries, List<List<Passage>> candidates) {
        if (queries.size() != candidates.size()) {
            throw new IllegalArgumentException(queries.size() + " queries but " + candidates.size()
                    + " candidate lists");
        }
        try (NoGrad ignored = new NoGrad()) {
            return scoreAllWithoutGrad(queries, candidates);
        }
    }

    /** Where one distinct passage occurs: question {@code query}, candidate {@code position}. */
    private record Occurrence(int query, int position) {
    }

    private List<float[]> scoreAllWithoutGrad(List<String> queries, List<List<Passage>> candidates) {
        int dim = scorer.settings().dim();
        List<float[]> scores = new ArrayList<>(queries.size());
        Map<String, Passage> distinct = new java.util.LinkedHashMap<>();
        Map<String, List<Occurrence>> occurrences = new HashMap<>();
        for (int q = 0; q < candidates.size(); q++) {
            List<Passage> list = candidates.get(q);
            scores.add(new float[list.size()]);
            for (int i = 0; i < list.size(); i++) {
                Passage p = list.get(i);
                // Same id, other text (two knowledge bases mixed): scored as a passage of its own.
                String key = p.id() + '\u0000' + p.contents().hashCode();
                distinct.putIfAbsent(key, p);
                occurrences.computeIfAbsent(key, k -> new ArrayList<>()).add(new Occurrence(q, i));
            }
        }
        List<PassageVectors> queryVectors = encodeQueries(queries);
        List<String> keys = new ArrayList<>(distinct.keySet());
        int chunkSize = ENCODE_BATCH * 8;
        long started = System.nanoTime();
        for (int start = 0; start < keys.size(); start += chunkSize) {
            List<String> chunk = keys.subList(start, Math.min(keys.size(), start + chunkSize));
            List<PassageVectors> vectors = encode(chunk.stream().map(distinct::get).toList());
            for (int c = 0; c < chunk.size(); c++) {
                List<Occurrence> at = occurrences.get(chunk.get(c));
                float[] perQuery = scoreAgainst(at.stream().map(o -> queryVectors.get(o.query())).toList(),
                        vectors.get(c), dim);
                for (int j = 0; j < at.size(); j++) {
                    scores.get(at.get(j).query())[at.get(j).position()] = perQuery[j];
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            int done = start + chunk.size();
            LOG.info("reranked: {} of {} distinct passages encoded and scored ({} passages/s, eta {} s)", done,
                    keys.size(), String.format(java.util.Locale.ROOT, "%.1f", done / seconds),
                    String.format(java.util.Locale.ROOT, "%.0f", (keys.size() - done) * seconds / done));
        }
        return scores;
    }

    /** The question vectors, in the questions' order (as {@link PassageVectors}: token count and values). */
    private List<PassageVectors> encodeQueries(List<String> queries) {
        int dim = scorer.settings().dim();
        List<PassageVectors> out = new ArrayList<>(queries.size());
        for (int start = 0; start < queries.size(); start += ENCODE_BATCH) {
            List<int[]> tokens = queries.subList(start, Math.min(queries.size(), start + ENCODE_BATCH)).stream()
                    .map(scorer::queryTokens).toList();
            try (NDManager scope = scorer.manager().newSubManager()) {
                NDList v = scorer.vectors(scope, tokens);
                float[] all = v.get(0).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
                long[] mask = v.get(1).toLongArray();
                int width = (int) v.get(0).getShape().get(1);
                for (int b = 0; b < tokens.size(); b++) {
                    int length = vectorCount(mask, b, width);
                    out.add(new PassageVectors(0, length,
                            Arrays.copyOfRange(all, b * width * dim, (b * width + length) * dim)));
                }
            }
        }
        return out;
    }

    /** Vectors of row {@code row} of a right-padded {@code [rows, width]} mask: its ones. */
    private static int vectorCount(long[] mask, int row, int width) {
        int count = 0;
        for (int t = 0; t < width; t++) {
            count += (int) mask[row * width + t];
        }
        return count;
    }

    /** MaxSim of each question against one passage. */
    private float[] scoreAgainst(List<PassageVectors> queries, PassageVectors passage, int dim) {
        int length = queries.stream().mapToInt(PassageVectors::length).max().orElseThrow();
        float[] flat = new float[queries.size() * length * dim];
        long[] mask = new long[queries.size() * length];
        for (int q = 0; q < queries.size(); q++) {
            PassageVectors v = queries.get(q);
            System.arraycopy(v.values(), 0, flat, q * length * dim, v.values().length);
            Arrays.fill(mask, q * length, q * length + v.length(), 1L);
        }
        long[] passageMask = new long[passage.length()];
        Arrays.fill(passageMask, 1L);
        try (NDManager scope = scorer.manager().newSubManager()) {
            ai.djl.ndarray.types.DataType type = scorer.projection().getDataType();
            NDArray qv = scope.create(flat, new Shape(queries.size(), length, dim)).toType(type, false);
            NDArray qmask = scope.create(mask, new Shape(queries.size(), length));
            NDArray dv = scope.create(passage.values(), new Shape(1, passage.length(), dim)).toType(type, false);
            NDArray dmask = scope.create(passageMask, new Shape(1, passage.length()));
            return LateInteractionScorer.maxSim(qv, qmask, dv, dmask).squeeze(1)
                    .toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        }
    }

    private List<PassageVectors> passageVectors(List<Passage> passages) {
        PassageVectors[] found = new PassageVectors[passages.size()];
        List<Integer> missing = new ArrayList<>();
        Map<String, PassageVectors> fixed = precomputed;
        for (int i = 0; i < found.length; i++) {
            Passage p = passages.get(i);
            int hash = p.contents().hashCode();
            PassageVectors v = fixed.get(p.id());
            if (v == null || v.textHash() != hash) {
                v = cache.getIfPresent(p.id());
            }
            if (v != null && v.textHash() == hash) {
                found[i] = v;
            } else {
                missing.add(i);
            }
        }
        if (!missing.isEmpty()) {
            List<Passage> toEncode = missing.stream().map(passages::get).toList();
            List<PassageVectors> fresh = encode(toEncode);
            for (int j = 0; j < missing.size(); j++) {
                found[missing.get(j)] = fresh.get(j);
                cache.put(toEncode.get(j).id(), fresh.get(j));
            }
        }
        return Arrays.asList(found);
    }

    /** Encodes passages in length-sorted batches (less padding); results in the passages' order. */
    private List<PassageVectors> encode(List<Passage> passages) {
        int dim = scorer.settings().dim();
        List<int[]> tokens = passages.stream().map(p -> scorer.passageTokens(p.contents())).toList();
        Integer[] order = new Integer[passages.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> tokens.get(i).length));
        PassageVectors[] out = new PassageVectors[passages.size()];
        for (int start = 0; start < order.length; start += ENCODE_BATCH) {
            List<Integer> batch = Arrays.asList(order).subList(start, Math.min(order.length, start + ENCODE_BATCH));
            try (NDManager scope = scorer.manager().newSubManager()) {
                NDList v = scorer.passageVectors(scope, batch.stream().map(tokens::get).toList());
                float[] all = v.get(0).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
                long[] mask = v.get(1).toLongArray();
                int width = (int) v.get(0).getShape().get(1);
                for (int b = 0; b < batch.size(); b++) {
                    int i = batch.get(b);
                    // The vectors of this passage: its tokens (late interaction) or one pooled vector (bi-encoder).
                    int length = vectorCount(mask, b, width);
                    float[] values = Arrays.copyOfRange(all, b * width * dim, (b * width + length) * dim);
                    out[i] = new PassageVectors(passages.get(i).contents().hashCode(), length, values);
                }
            }
        }
        encoded.addAndGet(passages.size());
        return Arrays.asList(out);
    }

    /**
     * Encodes every passage and writes the token vectors to {@code file} (atomically), e.g. next to a knowledge
     * base's index; {@link #loadPrecomputed} reads them back. Returns the number of passages written.
     *
     * @param passages the passages to encode
     * @param file the vector file to write
     * @return the number of passages written
     * @throws IOException when a file cannot be read or written
     */
    public int precompute(List<Passage> passages, Path file) throws IOException {
        long started = System.nanoTime();
        try (NoGrad ignored = new NoGrad()) {
            writeVectors(passages, file);
        }
        LOG.info("wrote vectors of {} passages to {} in {} s", passages.size(), file,
                String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e9));
        return passages.size();
    }

    private void writeVectors(List<Passage> passages, Path file) throws IOException {
        AtomicFiles.write(file, stream -> {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(stream, 1 << 16));
            out.writeLong(MAGIC);
            out.writeInt(scorer.settings().dim());
            out.writeLong(fingerprint());
            out.writeInt(passages.size());
            for (int start = 0; start < passages.size(); start += ENCODE_BATCH * 8) {
                List<Passage> chunk = passages.subList(start, Math.min(passages.size(), start + ENCODE_BATCH * 8));
                List<PassageVectors> vectors = encode(chunk);
                for (int i = 0; i < chunk.size(); i++) {
                    PassageVectors v = vectors.get(i);
                    out.writeUTF(chunk.get(i).id());
                    out.writeInt(v.textHash());
                    out.writeInt(v.length());
                    ByteBuffer bytes = ByteBuffer.allocate(v.values().length * 4).order(ByteOrder.LITTLE_ENDIAN);
                    bytes.asFloatBuffer().put(v.values());
                    out.write(bytes.array());
                }
                LOG.info("precomputed passage vectors: {} of {}", start + chunk.size(), passages.size());
            }
            out.flush();
        });
    }

    /**
     * Loads vectors written by {@link #precompute} with the same weights; they are kept besides the LRU cache
     * (not evicted). Passages whose text changed since are re-encoded when met.
     *
     * @throws CheckpointException when the file is damaged or was computed by another model
     * @param file a file written by {@link #precompute}
     * @return the number of passages read
     */
    public int loadPrecomputed(Path file) throws IOException {
        int dim = scorer.settings().dim();
        Map<String, PassageVectors> loaded = new HashMap<>();
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (in.readLong() != MAGIC) {
                throw new CheckpointException(file, "not a Kard passage-vector file");
            }
            int storedDim = in.readInt();
            long storedFingerprint = in.readLong();
            if (storedDim != dim || storedFingerprint != fingerprint()) {
                throw new CheckpointException(file, "passage vectors were computed by another model (dim "
                        + storedDim + "); precompute them again with this reranker");
            }
            int count = in.readInt();
            for (int n = 0; n < count; n++) {
                String id = in.readUTF();
                int hash = in.readInt();
                int length = in.readInt();
                if (length <= 0 || length > scorer.settings().passageMaxLength()) {
                    throw new CheckpointException(file, "passage " + id + ": bad token count " + length);
                }
                byte[] bytes = new byte[length * dim * 4];
                in.readFully(bytes);
                float[] values = new float[length * dim];
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
                loaded.put(id, new PassageVectors(hash, length, values));
            }
        } catch (EOFException e) {
            throw new CheckpointException(file, "truncated passage-vector file", e);
        }
        precomputed = Map.copyOf(loaded);
        LOG.info("loaded vectors of {} passages from {}", loaded.size(), file);
        return loaded.size();
    }

    /** Identifies the weights and settings that produced vectors (projection, normalisation, lengths). */
    private long fingerprint() {
        LateInteractionScorer scorer = this.scorer.passageSide();
        long hash;
        try (NDArray projection = scorer.projection().toType(ai.djl.ndarray.types.DataType.FLOAT32, true)) {
            hash = Arrays.hashCode(projection.toFloatArray());
        }
        var parameters = scorer.encoder().parameters();
        for (String name : List.of("embeddings.LayerNorm.weight", "encoder.layer."
                + (scorer.encoder().config().numHiddenLayers() - 1) + ".output.LayerNorm.bias")) {
            try (NDArray copy = parameters.get(name).getArray().toType(ai.djl.ndarray.types.DataType.FLOAT32, true)) {
                hash = hash * 31 + Arrays.hashCode(copy.toFloatArray());
            }
        }
        ScorerSettings s = scorer.settings();
        long settingsHash = hash * 31 + Objects.hash(s.normalize(), s.passageMaxLength(), s.dim());
        // Late-interaction files written before modes existed keep their fingerprint.
        return s.mode() == ScoringMode.LATE_INTERACTION ? settingsHash : settingsHash * 31 + s.mode().ordinal();
    }

    /** Forgets cached and precomputed passage vectors (needed after the weights change). */
    public void clearCache() {
        cache.invalidateAll();
        precomputed = Map.of();
    }

    /**
     * Hits, misses and evictions of the passage-vector LRU cache since this reranker was made.
     *
     * @return a snapshot of the counts
     */
    public PassageCacheStats cacheStats() {
        CacheStats stats = cache.stats();
        return new PassageCacheStats(stats.hitCount(), stats.missCount(), stats.evictionCount());
    }

    /**
     * How many passages this reranker has encoded so far.
     *
     * @return the count
     */
    public long encodedPassages() {
        return encoded.get();
    }

    /**
     * The scorer this reranker owns.
     *
     * @return the scorer
     */
    public LateInteractionScorer scorer() {
        return scorer;
    }

    @Override
    public void close() {
        scorer.close();
    }

    @Override
    public String toString() {
        return "LateInteractionReranker(" + scorer + ", cache=" + cache.size() + ")";
    }
}
