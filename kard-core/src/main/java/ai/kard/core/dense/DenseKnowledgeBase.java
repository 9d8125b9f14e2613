package ai.kard.core.dense;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.kard.api.Experimental;
import ai.kard.api.InvalidSettingException;
import ai.kard.api.KnowledgeBase;
import ai.kard.api.Passage;
import ai.kard.api.ScoredPassage;
import ai.kard.core.checkpoint.CheckpointException;
import ai.kard.core.internal.checkpoint.AtomicFiles;
import ai.kard.core.internal.model.common.NoGrad;
import ai.kard.core.rerank.LateInteractionScorer;
import ai.kard.core.rerank.ScoringMode;
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
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exhaustive dense retrieval: every passage of a corpus encoded once by a {@link ScoringMode#BI_ENCODER} scorer into
 * one row-major float matrix ({@code passages x dim}, L2-normalised rows), and a query's top k by dot product
 * (cosine) over all rows. The encoder reads {@link #encoderText} (title + " " + text, BEIR's convention), truncated
 * to the scorer's passage length.
 *
 * <p>A {@link KnowledgeBase}, so it drops in where BM25 goes (evaluation, a student's passages). Thread-safe. It
 * uses but does not own the scorer: the caller closes that. Memory: {@code 4 * dim} bytes per passage (1.5 kB for
 * MiniLM) besides the passages themselves.
 */
@Experimental
public final class DenseKnowledgeBase implements KnowledgeBase {
    /** Passages per encoder call. */
    public static final int ENCODE_BATCH = 32;
    private static final Logger LOG = LoggerFactory.getLogger(DenseKnowledgeBase.class);
    private static final int LOG_EVERY_BATCHES = 10;
    private static final long MAGIC = 0x4B41524444563031L; // "KARDDV01"

    private final LateInteractionScorer encoder;
    private final List<Passage> passages;
    private final Map<String, Integer> rows;
    private final float[] vectors;
    private final int dim;

    private DenseKnowledgeBase(LateInteractionScorer encoder, List<Passage> passages, Map<String, Integer> rows,
            float[] vectors) {
        this.encoder = encoder;
        this.passages = passages;
        this.rows = rows;
        this.vectors = vectors;
        this.dim = encoder.settings().dim();
    }

    /**
     * Encodes {@code passages} (ids unique) with {@code biEncoder} in length-sorted batches (less padding), logging
     * progress every {@value #LOG_EVERY_BATCHES} batches.
     *
     * @throws IllegalArgumentException when the scorer is not in bi-encoder mode, or an id repeats
     * @param biEncoder a scorer in bi-encoder mode (the caller keeps and closes it)
     * @param passages the passages, ids unique
     * @return the knowledge base
     */
    public static DenseKnowledgeBase build(LateInteractionScorer biEncoder, List<Passage> passages) {
        Objects.requireNonNull(biEncoder, "biEncoder");
        if (biEncoder.settings().mode() != ScoringMode.BI_ENCODER) {
            throw new InvalidSettingException("dense retrieval needs a bi-encoder scorer, got mode "
                    + biEncoder.settings().mode().shortName());
        }
        List<Passage> corpus = List.copyOf(passages);
        Map<String, Integer> rows = new HashMap<>(corpus.size() * 2);
        for (int i = 0; i < corpus.size(); i++) {
            if (rows.put(corpus.get(i).id(), i) != null) {
                throw new InvalidSettingException("passage id " + corpus.get(i).id() + " occurs twice");
            }
        }
        int dim = biEncoder.settings().dim();
        float[] vectors = new float[Math.multiplyExact(corpus.size(), dim)];
        List<int[]> tokens = corpus.stream().map(p -> biEncoder.passageTokens(encoderText(p))).toList();
        Integer[] order = new Integer[corpus.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> tokens.get(i).length));
        long started = System.nanoTime();
        try (NoGrad ignored = new NoGrad()) {
            for (int start = 0, batchIndex = 1; start < order.length; start += ENCODE_BATCH, batchIndex++) {
                List<Integer> batch = Arrays.asList(order).subList(start, Math.min(order.length, start + ENCODE_BATCH));
                float[] encoded = encode(biEncoder, batch.stream().map(tokens::get).toList());
                for (int b = 0; b < batch.size(); b++) {
                    System.arraycopy(encoded, b * dim, vectors, batch.get(b) * dim, dim);
                }
                int done = start + batch.size();
                if (batchIndex % LOG_EVERY_BATCHES == 0 || done == order.length) {
                    double seconds = (System.nanoTime() - started) / 1e9;
                    LOG.info("dense index: encoded {} of {} passages ({} passages/s, eta {} s)", done, order.length,
                            String.format(Locale.ROOT, "%.1f", done / seconds),
                            String.format(Locale.ROOT, "%.0f", (order.length - done) * seconds / done));
                }
            }
        }
        return new DenseKnowledgeBase(biEncoder, corpus, Map.copyOf(rows), vectors);
    }

    /**
     * Writes the passage vectors to {@code file} (atomically) so that {@link #load} can skip encoding the corpus
     * again: ids, dim, and a fingerprint of the encoder's weights and settings.
     *
     * @param file the vector file to write
     * @throws IOException when a file cannot be read or written
     */
    public void save(Path file) throws IOException {
        AtomicFiles.write(file, stream -> {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(stream, 1 << 16));
            out.writeLong(MAGIC);
            out.writeInt(dim);
            out.writeLong(fingerprint(encoder));
            out.writeInt(passages.size());
            ByteBuffer row = ByteBuffer.allocate(dim * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < passages.size(); i++) {
                out.writeUTF(passages.get(i).id());
                row.clear();
                row.asFloatBuffer().put(vectors, i * dim, dim);
                out.write(row.array());
            }
            out.flush();
        });
        LOG.info("wrote {} passage vectors to {}", passages.size(), file);
    }

    /**
     * The dense knowledge base of {@code passages} with the vectors {@link #save} wrote for exactly these passages
     * (same ids, same order) and this encoder.
     *
     * @throws CheckpointException when the file is damaged, or was written for other passages or another encoder
     * @param biEncoder a scorer in bi-encoder mode (the caller keeps and closes it)
     * @param passages the passages, ids unique
     * @param file a file written by {@link #save}
     * @return the knowledge base
     */
    public static DenseKnowledgeBase load(LateInteractionScorer biEncoder, List<Passage> passages, Path file)
            throws IOException {
        if (biEncoder.settings().mode() != ScoringMode.BI_ENCODER) {
            throw new InvalidSettingException("dense retrieval needs a bi-encoder scorer, got mode "
                    + biEncoder.settings().mode().shortName());
        }
        List<Passage> corpus = List.copyOf(passages);
        int dim = biEncoder.settings().dim();
        Map<String, Integer> rows = new HashMap<>(corpus.size() * 2);
        float[] vectors;
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (in.readLong() != MAGIC) {
                throw new CheckpointException(file, "not a Kard dense-vector file");
            }
            int storedDim = in.readInt();
            long storedFingerprint = in.readLong();
            if (storedDim != dim || storedFingerprint != fingerprint(biEncoder)) {
                throw new CheckpointException(file, "passage vectors were computed by another encoder (dim "
                        + storedDim + "); delete the file to encode the corpus again");
            }
            int count = in.readInt();
            if (count != corpus.size()) {
                throw new CheckpointException(file, "holds " + count + " passage vectors, the corpus has "
                        + corpus.size() + " passages; delete the file to encode the corpus again");
            }
            vectors = new float[Math.multiplyExact(count, dim)];
            byte[] row = new byte[dim * 4];
            for (int i = 0; i < count; i++) {
                String id = in.readUTF();
                if (!id.equals(corpus.get(i).id())) {
                    throw new CheckpointException(file, "row " + i + " is passage " + id + ", the corpus has "
                            + corpus.get(i).id() + " there; delete the file to encode the corpus again");
                }
                rows.put(id, i);
                in.readFully(row);
                ByteBuffer.wrap(row).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vectors, i * dim, dim);
            }
        } catch (EOFException e) {
            throw new CheckpointException(file, "truncated dense-vector file", e);
        }
        LOG.info("loaded {} passage vectors from {}", corpus.size(), file);
        return new DenseKnowledgeBase(biEncoder, corpus, Map.copyOf(rows), vectors);
    }

    /** Identifies the weights and settings that produce the vectors. */
    private static long fingerprint(LateInteractionScorer scorer) {
        return scorer.weightsFingerprint();
    }

    /**
     * What the encoder reads of a passage: {@code title + " " + text}, or the text alone when untitled.
     *
     * @param passage the passage
     * @return the text the encoder reads
     */
    public static String encoderText(Passage passage) {
        return passage.title().isEmpty() ? passage.text() : passage.title() + " " + passage.text();
    }

    /** Normalised vectors {@code [sequences.size() x dim]}, row-major; one scoped encoder call. */
    private static float[] encode(LateInteractionScorer biEncoder, List<int[]> sequences) {
        try (NDManager scope = biEncoder.manager().newSubManager()) {
            NDList v = biEncoder.vectors(scope, sequences);
            return v.get(0).toType(DataType.FLOAT32, false).toFloatArray();
        }
    }

    /** The query vectors of {@code queries}, {@code [queries x dim]} row-major. */
    private float[] encodeQueries(List<String> queries) {
        float[] out = new float[queries.size() * dim];
        try (NoGrad ignored = new NoGrad()) {
            for (int start = 0; start < queries.size(); start += ENCODE_BATCH) {
                List<String> batch = queries.subList(start, Math.min(queries.size(), start + ENCODE_BATCH));
                float[] encoded = encode(encoder, batch.stream().map(encoder::queryTokens).toList());
                System.arraycopy(encoded, 0, out, start * dim, encoded.length);
            }
        }
        return out;
    }

    @Override
    public List<ScoredPassage> search(String query, int k) {
        return searchAll(List.of(query), k).get(0);
    }

    @Override
    public List<List<ScoredPassage>> searchAll(List<String> queries, int k) {
        if (k < 0) {
            throw new InvalidSettingException("k must be >= 0, got " + k);
        }
        float[] queryVectors = encodeQueries(queries);
        List<List<ScoredPassage>> results = new ArrayList<>(queries.size());
        for (int q = 0; q < queries.size(); q++) {
            results.add(top(queryVectors, q * dim, k));
        }
        return results;
    }

    /** The k rows with the largest dot product with the query vector at {@code offset}, best first. */
    private List<ScoredPassage> top(float[] queryVectors, int offset, int k) {
        if (k == 0) {
            return List.of();
        }
        Comparator<ScoredPassage> worstFirst = ScoredPassage.BEST_FIRST.reversed();
        PriorityQueue<ScoredPassage> best = new PriorityQueue<>(k + 1, worstFirst);
        for (int row = 0; row < passages.size(); row++) {
            float score = dot(queryVectors, offset, row * dim);
            if (best.size() < k || score >= best.peek().score()) {
                best.add(new ScoredPassage(passages.get(row), score));
                if (best.size() > k) {
                    best.poll();
                }
            }
        }
        List<ScoredPassage> out = new ArrayList<>(best);
        out.sort(ScoredPassage.BEST_FIRST);
        return List.copyOf(out);
    }

    private float dot(float[] query, int queryOffset, int rowOffset) {
        float sum = 0;
        for (int i = 0; i < dim; i++) {
            sum += query[queryOffset + i] * vectors[rowOffset + i];
        }
        return sum;
    }

    @Override
    public List<ScoredPassage> score(String query, Collection<String> passageIds) {
        float[] queryVector = encodeQueries(List.of(query));
        List<ScoredPassage> out = new ArrayList<>(passageIds.size());
        for (String id : passageIds) {
            Integer row = rows.get(id);
            if (row == null) {
                throw new InvalidSettingException("no passage " + id + " in this dense knowledge base");
            }
            out.add(new ScoredPassage(passages.get(row), dot(queryVector, 0, row * dim)));
        }
        return out;
    }

    @Override
    public Optional<Passage> passage(String id) {
        Integer row = rows.get(id);
        return row == null ? Optional.empty() : Optional.of(passages.get(row));
    }

    @Override
    public int size() {
        return passages.size();
    }

    /**
     * The normalised vector of a passage (a copy).
     *
     * @param id the passage id
     * @return the vector, or empty for an unknown id
     */
    public Optional<float[]> vector(String id) {
        Integer row = rows.get(id);
        return row == null ? Optional.empty() : Optional.of(Arrays.copyOfRange(vectors, row * dim, row * dim + dim));
    }

    /** Nothing to release: the vectors are Java arrays and the scorer belongs to the caller. */
    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "DenseKnowledgeBase(" + passages.size() + " passages, dim " + dim + ", " + encoder + ")";
    }
}
