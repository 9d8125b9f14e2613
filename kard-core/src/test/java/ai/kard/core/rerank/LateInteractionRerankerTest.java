package ai.kard.core.rerank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import ai.kard.api.Passage;
import ai.kard.api.ScoredPassage;
import ai.kard.core.checkpoint.CheckpointException;
import ai.kard.core.hub.HubSettings;
import ai.kard.core.hub.ModelReference;
import ai.kard.core.model.ModelOptions;
import ai.kard.core.internal.model.bert.BertConfig;
import ai.kard.core.internal.model.bert.BertEncoder;
import ai.kard.core.internal.tokenizer.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LateInteractionRerankerTest {
    /** Bundled WordPiece vocabulary, tiny layers: fast, real tokenization. */
    static final BertConfig CONFIG = new BertConfig(30522, 32, 2, 2, 64, 128, 2, 1e-12, "gelu", 0, 0.02);
    static final ScorerSettings SETTINGS = ScorerSettings.defaults().withDim(16).withMaxLengths(16, 48);
    static final String QUERY = "Which gas do plants absorb from the air?";
    static final List<Passage> PASSAGES = List.of(
            new Passage("p1", "Photosynthesis", "Plants absorb carbon dioxide and release oxygen."),
            new Passage("p2", "", "The moon orbits the earth every twenty-seven days."),
            new Passage("p3", "Iron", "Iron rusts when exposed to water and oxygen for a long time."),
            new Passage("p4", "", "Gas giants such as Jupiter have no solid surface."),
            new Passage("p5", "Roots", "Roots take up water and minerals from the soil."));

    @TempDir
    Path temp;

    static LateInteractionScorer scorer(long seed) throws IOException {
        return LateInteractionScorer.create(BertEncoder.create(CONFIG, seed, ModelOptions.cpu()),
                TextTokenizer.bundledWordPiece(), SETTINGS, seed);
    }

    static float[] direct(LateInteractionScorer scorer, String query, List<Passage> passages) {
        try (NDManager manager = scorer.manager().newSubManager()) {
            return scorer.scores(manager, scorer.queryTokens(query),
                    passages.stream().map(p -> scorer.passageTokens(p.contents())).toList()).toFloatArray();
        }
    }

    @Test
    void rankingFollowsTheScores() throws IOException {
        try (LateInteractionReranker reranker = new LateInteractionReranker(scorer(1), 100)) {
            float[] expected = direct(reranker.scorer(), QUERY, PASSAGES);
            float[] scores = reranker.scores(QUERY, PASSAGES);
            for (int i = 0; i < scores.length; i++) {
                assertThat(scores[i]).isCloseTo(expected[i], Offset.offset(1e-4f));
            }
            List<ScoredPassage> top = reranker.rerank(QUERY, PASSAGES, 3);
            assertThat(top).hasSize(3).isSortedAccordingTo(ScoredPassage.BEST_FIRST);
            List<ScoredPassage> all = reranker.rerank(QUERY, PASSAGES, 10);
            assertThat(all).hasSize(5);
            assertThat(all.subList(0, 3)).isEqualTo(top);
            for (ScoredPassage sp : all) {
                assertThat(sp.score()).isCloseTo(expected[PASSAGES.indexOf(sp.passage())], Offset.offset(1e-4));
            }
            assertThat(reranker.rerank(QUERY, List.of(), 3)).isEmpty();
            assertThatThrownBy(() -> reranker.rerank(QUERY, PASSAGES, -1)).hasMessageContaining("-1");
        }
    }

    @Test
    void truncatesToMaxLengthsWithClsAndSep() throws IOException {
        try (LateInteractionScorer scorer = scorer(1)) {
            int[] q = scorer.queryTokens("word ".repeat(100));
            assertThat(q).hasSize(16);
            assertThat(q[0]).isEqualTo(101);
            assertThat(q[15]).isEqualTo(102);
            assertThat(scorer.passageTokens("short")).hasSize(3);
        }
    }

    @Test
    void cachedPassagesAreNotEncodedAgain() throws IOException {
        try (LateInteractionReranker reranker = new LateInteractionReranker(scorer(2), 3)) {
            float[] first = reranker.scores(QUERY, PASSAGES.subList(0, 3));
            assertThat(reranker.encodedPassages()).isEqualTo(3);
            float[] second = reranker.scores(QUERY, PASSAGES.subList(0, 3));
            assertThat(reranker.encodedPassages()).isEqualTo(3);
            assertThat(reranker.cacheStats().hitCount()).isEqualTo(3);
            assertThat(second).containsExactly(first);
            // LRU of 3: two new passages evict two old ones, which are encoded again when met.
            reranker.scores(QUERY, PASSAGES.subList(3, 5));
            reranker.scores(QUERY, PASSAGES.subList(0, 3));
            assertThat(reranker.encodedPassages()).isEqualTo(3 + 2 + 2);
            // Same id, new text: encoded again, not served stale.
            Passage changed = new Passage("p1", "Photosynthesis", "Completely different words now.");
            reranker.scores(QUERY, List.of(changed));
            assertThat(reranker.encodedPassages()).isEqualTo(8);
        }
    }

    @Test
    void eightThreadsGetTheSameResults() throws Exception {
        try (LateInteractionReranker reranker = new LateInteractionReranker(scorer(3), 2)) {
            List<ScoredPassage> expected = reranker.rerank(QUERY, PASSAGES, 5);
            reranker.clearCache();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<List<ScoredPassage>>> futures = new ArrayList<>();
                for (int t = 0; t < 16; t++) {
                    futures.add(pool.submit(() -> reranker.rerank(QUERY, PASSAGES, 5)));
                }
                for (Future<List<ScoredPassage>> f : futures) {
                    List<ScoredPassage> got = f.get();
                    assertThat(got).extracting(ScoredPassage::id)
                            .containsExactlyElementsOf(expected.stream().map(ScoredPassage::id).toList());
                    for (int i = 0; i < got.size(); i++) {
                        assertThat(got.get(i).score()).isCloseTo(expected.get(i).score(), Offset.offset(1e-4));
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void repeatedRerankingKeepsLiveArraysFlat() throws IOException {
        try (LateInteractionReranker reranker = new LateInteractionReranker(scorer(4), 100)) {
            reranker.rerank(QUERY, PASSAGES, 2);
            int before = reranker.scorer().manager().getManagedArrays().size();
            for (int i = 0; i < 60; i++) {
                reranker.rerank(QUERY + " " + i, PASSAGES, 2);
            }
            reranker.clearCache();
            reranker.rerank(QUERY, PASSAGES, 2);
            assertThat(reranker.scorer().manager().getManagedArrays()).hasSize(before);
        }
    }

    /**
     * Issue item "reranking many questions keeps native memory flat", test-sized: 200 distinct questions over a
     * pool larger than the LRU, so passages are encoded, evicted and re-encoded throughout. After warm-up neither the
     * scorer's arrays nor the process's live arrays may grow (kard-bench RerankBenchmark --memory runs 10,000).
     */
    @Test
    void twoHundredDistinctQuestionsLeaveNoLiveArraysBehind() throws IOException {
        java.util.Random random = new java.util.Random(11);
        List<Passage> pool = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            pool.add(new Passage("m" + i, "", PASSAGES.get(i % PASSAGES.size()).text() + " variant " + i));
        }
        try (LateInteractionReranker reranker = new LateInteractionReranker(scorer(9), 12)) {
            for (int q = 0; q < 20; q++) { // warm-up: fills the cache, initialises native state
                reranker.rerank(QUERY + " warm " + q, sample(pool, random, 6), 3);
            }
            int scorerBefore = reranker.scorer().manager().getManagedArrays().size();
            int processBefore = liveArrays();
            long encodedBefore = reranker.encodedPassages();
            for (int q = 0; q < 200; q++) {
                List<ScoredPassage> top = reranker.rerank(QUERY + " number " + q, sample(pool, random, 6), 3);
                assertThat(top).hasSize(3);
            }
            assertThat(reranker.encodedPassages() - encodedBefore).as("passages re-encoded after eviction")
                    .isGreaterThan(100);
            assertThat(reranker.cacheStats().evictionCount()).isPositive();
            assertThat(reranker.scorer().manager().getManagedArrays()).hasSize(scorerBefore);
            assertThat(liveArrays()).isEqualTo(processBefore);
        }
    }

    private static List<Passage> sample(List<Passage> pool, java.util.Random random, int n) {
        List<Passage> copy = new ArrayList<>(pool);
        java.util.Collections.shuffle(copy, random);
        return copy.subList(0, n);
    }

    /** Live native arrays in the whole process (every manager descends from the system manager). */
    private static int liveArrays() {
        try (NDManager probe = NDManager.newBaseManager()) {
            return probe.getParentManager().getManagedArrays().size();
        }
    }

    @Test
    void precomputedVectorsRoundTrip() throws IOException {
        Path file = temp.resolve("kb/passages.vectors");
        try (LateInteractionReranker writer = new LateInteractionReranker(scorer(5), 0)) {
            assertThat(writer.precompute(PASSAGES, file)).isEqualTo(5);
            float[] expected = writer.scores(QUERY, PASSAGES);
            writer.scorer().save(temp.resolve("model"));
            try (LateInteractionReranker reader = LateInteractionReranker.load(temp.resolve("model"),
                    ModelOptions.cpu(), 0)) {
                assertThat(reader.loadPrecomputed(file)).isEqualTo(5);
                float[] scores = reader.scores(QUERY, PASSAGES);
                assertThat(reader.encodedPassages()).isZero();
                for (int i = 0; i < scores.length; i++) {
                    assertThat(scores[i]).isCloseTo(expected[i], Offset.offset(1e-5f));
                }
            }
        }
        try (LateInteractionReranker other = new LateInteractionReranker(scorer(6), 0)) {
            assertThatThrownBy(() -> other.loadPrecomputed(file)).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("another model");
        }
    }

    @Test
    void saveAndLoadKeepScoresAndSettings() throws IOException {
        Path folder = temp.resolve("reranker");
        try (LateInteractionScorer scorer = scorer(7)) {
            float[] expected = direct(scorer, QUERY, PASSAGES);
            scorer.save(folder);
            assertThat(folder.resolve("config.json")).exists();
            assertThat(folder.resolve("tokenizer.json")).exists();
            assertThat(Files.readString(folder.resolve("reranker.json"))).contains("\"dim\" : 16")
                    .contains("\"passage_max_length\" : 48");
            try (LateInteractionScorer loaded = LateInteractionScorer.load(folder, ModelOptions.cpu())) {
                assertThat(loaded.settings()).isEqualTo(scorer.settings());
                assertThat(direct(loaded, QUERY, PASSAGES)).containsExactly(expected);
            }
        }
    }

    @Test
    void scoresAreDifferentiableThroughEncoderAndProjection() throws IOException {
        try (LateInteractionScorer scorer = scorer(8); NDManager manager = scorer.manager().newSubManager()) {
            // DJL's usual path: the weights are there already, initialize only makes them trainable.
            scorer.block().initialize(manager, DataType.FLOAT32, new Shape(1, 8), new Shape(1, 8), new Shape(3, 8),
                    new Shape(3, 8));
            for (Pair<String, Parameter> p : scorer.block().getParameters()) {
                assertThat(p.getValue().getArray().hasGradient()).as(p.getKey()).isTrue();
            }
            List<int[]> passages = PASSAGES.stream().map(p -> scorer.passageTokens(p.contents())).toList();
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray scores = scorer.scores(manager, scorer.queryTokens(QUERY), passages);
                assertThat(scores.getShape().getShape()).containsExactly(5);
                NDArray loss = scores.softmax(0).get(0).neg().log();
                collector.backward(loss);
                // Reranking inside a collector (validation while training) records no graph and restores the mode.
                LateInteractionReranker reranker = new LateInteractionReranker(scorer, 10);
                float[] reranked = reranker.scores(QUERY, PASSAGES);
                assertThat(reranked[0]).isCloseTo(scores.getFloat(0), Offset.offset(1e-4f));
                assertThat(ai.djl.pytorch.jni.JniUtils.isGradMode()).isTrue();
            }
            assertThat(scorer.block().getParameters().size())
                    .isEqualTo(scorer.encoder().parameters().size() + 1);
            assertThat(scorer.projection().getGradient().abs().sum().getFloat()).isPositive();
            assertThat(scorer.encoder().parameters().get("encoder.layer.0.attention.self.query.weight").getArray()
                    .getGradient().abs().sum().getFloat()).isPositive();
        }
    }

    @Test
    void scratchPresetReference() throws IOException {
        ModelReference offline = new ModelReference(new HubSettings(temp.resolve("hub"), "http://127.0.0.1:9", null,
                true));
        try (LateInteractionScorer scorer = LateInteractionScorer.create("scratch:bert-tiny",
                ScorerSettings.defaults(), 1, ModelOptions.cpu(), offline)) {
            assertThat(scorer.encoder().config().hiddenSize()).isEqualTo(128);
            assertThat(scorer.settings().tokenizerSource()).startsWith("bundled:");
            assertThat(direct(scorer, QUERY, PASSAGES)).hasSize(5);
        }
        assertThatThrownBy(() -> LateInteractionScorer.create("org/absent", ScorerSettings.defaults(), 1,
                ModelOptions.cpu(), offline)).hasMessageContaining("huggingface-cli download org/absent");
    }
}
