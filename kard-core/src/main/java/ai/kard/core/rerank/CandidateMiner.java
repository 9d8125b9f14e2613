package ai.kard.core.rerank;

import ai.kard.api.KnowledgeBase;
import ai.kard.api.ScoredPassage;
import ai.kard.core.internal.checkpoint.AtomicFiles;
import ai.kard.core.checkpoint.CheckpointException;
import ai.kard.retrieval.LuceneKnowledgeBase;
import ai.kard.retrieval.ParallelTasks;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mines the reranker's training candidates up front: for every pair, BM25(rationale) top-k1
 * union BM25(question) top-k2, de-duplicated, and the soft-target score BM25(rationale, d) of EVERY candidate
 * (also those found by the question) through {@link KnowledgeBase#score}. Searches run with
 * {@link KnowledgeBase#searchAll} (all cores for a Lucene index); scoring runs on all cores too.
 *
 * <p>With a cache directory, the result is written to {@code candidates-<key>.bin.gz} where the key hashes the
 * knowledge base's identity (the {@code kard-index.json} of a Lucene index on disk, else its class, size and
 * description), k1, k2 and every pair's query and rationale text; a second run with the same inputs reads it
 * instead of searching.
 */
public final class CandidateMiner {
    /** Default k1: BM25(rationale) candidates per pair. */
    public static final int DEFAULT_RATIONALE_CANDIDATES = 32;
    /** Default k2: BM25(question) candidates per pair. */
    public static final int DEFAULT_QUESTION_CANDIDATES = 32;
    private static final Logger LOG = LoggerFactory.getLogger(CandidateMiner.class);
    private static final long MAGIC = 0x4B41524443414E31L; // "KARDCAN1"

    private final int rationaleCandidates;
    private final int questionCandidates;
    private final Path cacheDir;

    /**
     * @param rationaleCandidates k1: BM25(rationale) top-k1 (>= 1)
     * @param questionCandidates  k2: BM25(question) top-k2 (>= 0)
     * @param cacheDir            where mined candidates are cached; null: no cache
     */
    public CandidateMiner(int rationaleCandidates, int questionCandidates, Path cacheDir) {
        if (rationaleCandidates < 1) {
            throw new IllegalArgumentException("rationale candidates (k1) must be >= 1, got " + rationaleCandidates);
        }
        if (questionCandidates < 0) {
            throw new IllegalArgumentException("question candidates (k2) must be >= 0, got " + questionCandidates);
        }
        this.rationaleCandidates = rationaleCandidates;
        this.questionCandidates = questionCandidates;
        this.cacheDir = cacheDir;
    }

    /**
     * The candidates of every pair, in pair order: from the cache when present, else searched (and cached).
     *
     * @param kb the knowledge base to search
     * @param pairs the (question, rationale) pairs
     * @return one candidate list per pair
     * @throws IOException when the search or the cache fails
     */
    public List<PairCandidates> mine(KnowledgeBase kb, List<RerankerPair> pairs) throws IOException {
        Path file = cacheFile(kb, pairs).orElse(null);
        if (file != null && Files.isRegularFile(file)) {
            List<PairCandidates> cached = read(file, pairs.size());
            LOG.info("read the candidates of {} pairs from {}", cached.size(), file);
            return cached;
        }
        long started = System.nanoTime();
        List<PairCandidates> mined = search(kb, pairs);
        LOG.info("mined candidates of {} pairs (k1={}, k2={}) in {} s", pairs.size(), rationaleCandidates,
                questionCandidates, String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e9));
        if (file != null) {
            write(file, mined);
            LOG.info("cached the candidates in {}", file);
        }
        return mined;
    }

    /**
     * The cache file these inputs map to (empty without a cache directory).
     *
     * @param kb the knowledge base to search
     * @param pairs the (question, rationale) pairs
     * @return the cache file, or empty
     * @throws IOException when the knowledge base cannot describe itself
     */
    public Optional<Path> cacheFile(KnowledgeBase kb, List<RerankerPair> pairs) throws IOException {
        return cacheDir == null ? Optional.empty() : Optional.of(cacheDir.resolve("candidates-" + key(kb, pairs)
                + ".bin.gz"));
    }

    private List<PairCandidates> search(KnowledgeBase kb, List<RerankerPair> pairs) throws IOException {
        List<String> rationales = pairs.stream().map(RerankerPair::rationale).toList();
        List<List<ScoredPassage>> byRationale = kb.searchAll(rationales, rationaleCandidates);
        // Questions repeat across their rationales: search each distinct query once.
        Map<String, Integer> distinct = new LinkedHashMap<>();
        for (RerankerPair p : pairs) {
            distinct.putIfAbsent(p.query(), distinct.size());
        }
        List<List<ScoredPassage>> byQuestion = questionCandidates == 0 ? List.of()
                : kb.searchAll(List.copyOf(distinct.keySet()), questionCandidates);
        PairCandidates[] out = new PairCandidates[pairs.size()];
        parallel(pairs.size(), i -> {
            List<ScoredPassage> fromQuestion = questionCandidates == 0 ? List.of()
                    : byQuestion.get(distinct.get(pairs.get(i).query()));
            out[i] = union(kb, pairs.get(i).rationale(), byRationale.get(i), fromQuestion);
        });
        return List.of(out);
    }

    private static PairCandidates union(KnowledgeBase kb, String rationale, List<ScoredPassage> fromRationale,
            List<ScoredPassage> fromQuestion) throws IOException {
        Map<String, Integer> index = new LinkedHashMap<>();
        int[] rationaleSide = new int[fromRationale.size()];
        for (int i = 0; i < rationaleSide.length; i++) {
            rationaleSide[i] = index.computeIfAbsent(fromRationale.get(i).id(), id -> index.size());
        }
        int[] questionSide = new int[fromQuestion.size()];
        for (int i = 0; i < questionSide.length; i++) {
            questionSide[i] = index.computeIfAbsent(fromQuestion.get(i).id(), id -> index.size());
        }
        List<String> ids = List.copyOf(index.keySet());
        float[] scores = new float[ids.size()];
        if (!ids.isEmpty()) {
            List<ScoredPassage> scored = kb.score(rationale, ids);
            for (int i = 0; i < scores.length; i++) {
                scores[i] = (float) scored.get(i).score();
            }
        }
        return new PairCandidates(ids, scores, rationaleSide, questionSide);
    }

    /** A task per index on all cores; the first failure is rethrown. */
    private static void parallel(int count, ParallelTasks.IndexedTask task) throws IOException {
        ParallelTasks.forEachIndex(count, Math.max(1, Runtime.getRuntime().availableProcessors()), task,
                "scoring candidates");
    }

    /** Hash of the knowledge base's identity, k1, k2 and the pairs' texts. */
    private String key(KnowledgeBase kb, List<RerankerPair> pairs) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        update(digest, "kard-candidates-v1");
        update(digest, knowledgeBaseIdentity(kb));
        update(digest, rationaleCandidates + "/" + questionCandidates);
        for (RerankerPair p : pairs) {
            update(digest, p.query());
            update(digest, p.rationale());
        }
        return HexFormat.of().formatHex(digest.digest(), 0, 12);
    }

    private static void update(MessageDigest digest, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        digest.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        digest.update((byte) ':');
        digest.update(bytes);
    }

    /** The index metadata of a knowledge base on disk; else its class, size and description. */
    static String knowledgeBaseIdentity(KnowledgeBase kb) throws IOException {
        if (kb instanceof LuceneKnowledgeBase lucene && lucene.indexDir().isPresent()) {
            Path metadata = lucene.indexDir().get().resolve("kard-index.json");
            if (Files.isRegularFile(metadata)) {
                return "index:" + Files.readString(metadata);
            }
        }
        return kb.getClass().getName() + ":" + kb.size() + ":" + kb;
    }

    private static void write(Path file, List<PairCandidates> mined) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        AtomicFiles.write(file, stream -> {
            GZIPOutputStream gzip = new GZIPOutputStream(stream, 1 << 16);
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(gzip, 1 << 16));
            // A table of distinct ids keeps the file small: candidates repeat across pairs.
            Map<String, Integer> table = new LinkedHashMap<>();
            for (PairCandidates c : mined) {
                for (String id : c.ids()) {
                    table.putIfAbsent(id, table.size());
                }
            }
            out.writeLong(MAGIC);
            out.writeInt(table.size());
            for (String id : table.keySet()) {
                out.writeUTF(id);
            }
            out.writeInt(mined.size());
            for (PairCandidates c : mined) {
                out.writeInt(c.ids().size());
                for (int i = 0; i < c.ids().size(); i++) {
                    out.writeInt(table.get(c.ids().get(i)));
                    out.writeFloat(c.rationaleScores()[i]);
                }
                writeInts(out, c.rationaleSide());
                writeInts(out, c.questionSide());
            }
            out.flush();
            gzip.finish();
        });
    }

    private static void writeInts(DataOutputStream out, int[] values) throws IOException {
        out.writeInt(values.length);
        for (int v : values) {
            out.writeInt(v);
        }
    }

    private static List<PairCandidates> read(Path file, int expectedPairs) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(
                new GZIPInputStream(Files.newInputStream(file)), 1 << 16))) {
            if (in.readLong() != MAGIC) {
                throw new CheckpointException(file, "not a Kard candidate file; delete it to mine again");
            }
            String[] table = new String[in.readInt()];
            for (int i = 0; i < table.length; i++) {
                table[i] = in.readUTF();
            }
            int count = in.readInt();
            if (count != expectedPairs) {
                throw new CheckpointException(file, "holds " + count + " pairs, expected " + expectedPairs
                        + "; delete it to mine again");
            }
            List<PairCandidates> out = new ArrayList<>(count);
            for (int p = 0; p < count; p++) {
                int n = in.readInt();
                List<String> ids = new ArrayList<>(n);
                float[] scores = new float[n];
                for (int i = 0; i < n; i++) {
                    ids.add(table[in.readInt()]);
                    scores[i] = in.readFloat();
                }
                out.add(new PairCandidates(ids, scores, readInts(in), readInts(in)));
            }
            return out;
        } catch (EOFException | java.util.zip.ZipException | ArrayIndexOutOfBoundsException e) {
            throw new CheckpointException(file, "truncated or damaged candidate file; delete it to mine again", e);
        }
    }

    private static int[] readInts(DataInputStream in) throws IOException {
        int[] values = new int[in.readInt()];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readInt();
        }
        return values;
    }

    @Override
    public String toString() {
        return "CandidateMiner(k1=" + rationaleCandidates + ",k2=" + questionCandidates + ",cache=" + cacheDir + ")";
    }
}
