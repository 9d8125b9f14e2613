package ai.kard.core.rerank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.kard.api.Passage;
import ai.kard.core.Kard;
import ai.kard.core.hub.HubSettings;
import ai.kard.core.hub.ModelReference;
import ai.kard.core.model.ModelOptions;
import ai.kard.core.internal.model.bert.BertConfig;
import ai.kard.core.internal.model.bert.BertEncoder;
import ai.kard.core.internal.tokenizer.TextTokenizer;
import ai.kard.retrieval.LuceneKnowledgeBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two scoring modes, zero-shot scorers on a pretrained folder, and the self-contained trained folder. */
class ScoringModeTest {
    static final String QUERY = LateInteractionRerankerTest.QUERY;
    static final List<Passage> PASSAGES = LateInteractionRerankerTest.PASSAGES;

    @TempDir
    Path temp;

    /** Tiny layers, the bundled WordPiece vocabulary, BERT's 512 positions. */
    static final BertConfig CONFIG = new BertConfig(30522, 32, 2, 2, 64, 512, 2, 1e-12, "gelu", 0, 0.02);

    /** A "pretrained" encoder folder in HF layout (random weights, the bundled WordPiece tokenizer). */
    static Path pretrainedFolder(Path folder, long seed) throws IOException {
        try (BertEncoder encoder = BertEncoder.create(CONFIG, seed, ModelOptions.cpu());
                TextTokenizer tokenizer = TextTokenizer.bundledWordPiece()) {
            encoder.save(folder);
            tokenizer.save(folder);
        }
        return folder;
    }

    private ModelReference offline() {
        return new ModelReference(new HubSettings(temp.resolve("hub"), "http://127.0.0.1:9", null, true));
    }

    /** The encoder's own token states of one text ([CLS] text [SEP]), {@code [length][hidden]}, unpadded. */
    private static float[][] states(LateInteractionScorer scorer, int[] tokens) {
        int hidden = scorer.encoder().config().hiddenSize();
        try (NDManager scope = scorer.manager().newSubManager()) {
            float[] flat = scorer.encoder().forward(scope, List.of(tokens)).get(0).toFloatArray();
            float[][] rows = new float[tokens.length][hidden];
            for (int t = 0; t < tokens.length; t++) {
                System.arraycopy(flat, t * hidden, rows[t], 0, hidden);
            }
            return rows;
        }
    }

    private static float[] unit(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / Math.sqrt(norm));
        }
        return out;
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static float[] mean(float[][] rows) {
        float[] out = new float[rows[0].length];
        for (float[] row : rows) {
            for (int i = 0; i < out.length; i++) {
                out[i] += row[i] / rows.length;
            }
        }
        return out;
    }

    @Test
    void zeroShotBiEncoderScoreIsTheCosineOfMeanTokenStates() throws IOException {
        Path folder = pretrainedFolder(temp.resolve("encoder"), 3);
        try (LateInteractionScorer scorer = LateInteractionScorer.zeroShot(folder.toString(), ScoringMode.BI_ENCODER,
                ModelOptions.cpu(), offline()); LateInteractionReranker reranker = new LateInteractionReranker(scorer,
                        100)) {
            assertThat(scorer.settings().dim()).isEqualTo(CONFIG.hiddenSize());
            assertThat(scorer.settings().mode()).isEqualTo(ScoringMode.BI_ENCODER);
            float[] query = unit(mean(states(scorer, scorer.queryTokens(QUERY))));
            float[] actual = reranker.scores(QUERY, PASSAGES);
            for (int i = 0; i < PASSAGES.size(); i++) {
                float[] passage = unit(mean(states(scorer, scorer.passageTokens(PASSAGES.get(i).contents()))));
                assertThat((double) actual[i]).as("passage %d", i).isCloseTo(dot(query, passage), Offset.offset(1e-5));
            }
        }
    }

    @Test
    void zeroShotLateInteractionIsMaxSimOfNormalisedTokenStates() throws IOException {
        Path folder = pretrainedFolder(temp.resolve("encoder"), 4);
        try (LateInteractionScorer scorer = LateInteractionScorer.zeroShot(folder.toString(),
                ScoringMode.LATE_INTERACTION, ModelOptions.cpu(), offline());
                LateInteractionReranker reranker = new LateInteractionReranker(scorer, 100)) {
            float[][] query = states(scorer, scorer.queryTokens(QUERY));
            float[] actual = reranker.scores(QUERY, PASSAGES);
            for (int i = 0; i < PASSAGES.size(); i++) {
                float[][] passage = states(scorer, scorer.passageTokens(PASSAGES.get(i).contents()));
                double expected = 0;
                for (float[] q : query) {
                    double best = Double.NEGATIVE_INFINITY;
                    for (float[] d : passage) {
                        best = Math.max(best, dot(unit(q), unit(d)));
                    }
                    expected += best;
                }
                assertThat((double) actual[i]).as("passage %d", i).isCloseTo(expected, Offset.offset(1e-4));
            }
        }
    }

    @Test
    void folderWithoutModeLoadsAsLateInteractionAndBiRoundTrips() throws IOException {
        Path late = temp.resolve("late");
        try (LateInteractionScorer scorer = LateInteractionRerankerTest.scorer(5)) {
            scorer.save(late);
        }
        String json = Files.readString(late.resolve(LateInteractionScorer.SETTINGS_FILE));
        assertThat(json).contains("\"mode\" : \"late_interaction\"");
        Files.writeString(late.resolve(LateInteractionScorer.SETTINGS_FILE),
                json.replaceAll(",\\s*\"mode\" : \"late_interaction\"", ""));
        try (LateInteractionScorer loaded = LateInteractionScorer.load(late, ModelOptions.cpu())) {
            assertThat(loaded.settings().mode()).isEqualTo(ScoringMode.LATE_INTERACTION);
        }

        Path bi = temp.resolve("bi");
        Path encoder = pretrainedFolder(temp.resolve("encoder"), 6);
        try (LateInteractionScorer scorer = LateInteractionScorer.zeroShot(encoder.toString(), ScoringMode.BI_ENCODER,
                ModelOptions.cpu(), offline())) {
            float[] expected = LateInteractionRerankerTest.direct(scorer, QUERY, PASSAGES);
            scorer.save(bi);
            assertThat(Files.readString(bi.resolve(LateInteractionScorer.SETTINGS_FILE)))
                    .contains("\"mode\" : \"bi_encoder\"");
            try (LateInteractionScorer loaded = LateInteractionScorer.open(bi.toString(), null, ModelOptions.cpu(),
                    offline())) {
                assertThat(loaded.settings()).isEqualTo(scorer.settings());
                assertThat(LateInteractionRerankerTest.direct(loaded, QUERY, PASSAGES)).containsExactly(expected);
            }
        }
        assertThatThrownBy(() -> LateInteractionScorer.open(bi.toString(), ScoringMode.LATE_INTERACTION,
                ModelOptions.cpu(), offline())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is a bi reranker");
        assertThatThrownBy(() -> ScoringMode.parse("dense")).hasMessageContaining("'dense'");
    }

    @Test
    void scoreAllGivesEachQuestionsOwnScoresInBothModes() throws IOException {
        Path encoder = pretrainedFolder(temp.resolve("encoder"), 7);
        List<String> queries = List.of(QUERY, "What orbits the earth?", "Why does iron rust?");
        List<List<Passage>> candidates = List.of(PASSAGES, List.of(PASSAGES.get(1), PASSAGES.get(3)),
                List.of(PASSAGES.get(2), PASSAGES.get(0), PASSAGES.get(4), PASSAGES.get(1)));
        for (ScoringMode mode : ScoringMode.values()) {
            try (LateInteractionReranker reranker = new LateInteractionReranker(LateInteractionScorer.zeroShot(
                    encoder.toString(), mode, ModelOptions.cpu(), offline()), 0)) {
                List<float[]> all = reranker.scoreAll(queries, candidates);
                for (int q = 0; q < queries.size(); q++) {
                    float[] own = reranker.scores(queries.get(q), candidates.get(q));
                    assertThat(all.get(q)).as("%s, query %d", mode, q).containsExactly(own, Offset.offset(1e-5f));
                }
                assertThat(reranker.encodedPassages()).as("each distinct passage encoded once")
                        .isEqualTo(PASSAGES.size() + candidates.stream().mapToInt(List::size).sum());
            }
        }
    }

    @Test
    void trainedFromAPretrainedFolderSavesAFolderThatLoadsAnywhere() throws Exception {
        Path encoder = pretrainedFolder(temp.resolve("encoder"), 8);
        Path saved = temp.resolve("trained");
        float[] trainedScores;
        ScorerSettings trainedSettings;
        try (LuceneKnowledgeBase kb = RerankFixtures.knowledgeBase()) {
            RerankerTraining recipe = Kard.reranker(encoder.toString()).mode(ScoringMode.BI_ENCODER).epochs(2)
                    .pairsPerBatch(2).candidates(4, 4).sample(2, 2).candidateCache(temp.resolve("cache"))
                    .references(offline());
            float[] zeroShot;
            try (LateInteractionReranker untrained = recipe.zeroShot()) {
                zeroShot = untrained.scores(QUERY, PASSAGES);
            }
            try (LateInteractionReranker trained = recipe.withKnowledgeBase(kb).trainOn(RerankFixtures.questions(),
                    RerankFixtures.rationales())) {
                trainedSettings = trained.scorer().settings();
                assertThat(trainedSettings.mode()).isEqualTo(ScoringMode.BI_ENCODER);
                assertThat(trainedSettings.dim()).as("identity projection of the hidden size by default")
                        .isEqualTo(CONFIG.hiddenSize());
                trainedScores = trained.scores(QUERY, PASSAGES);
                assertThat(trainedScores).as("training changed the weights").isNotEqualTo(zeroShot);
                trained.scorer().save(saved);
            }
        }
        Path copy = temp.resolve("elsewhere").resolve("copied");
        copyTree(saved, copy);
        deleteTree(saved);
        deleteTree(encoder);
        try (LateInteractionReranker loaded = LateInteractionReranker.load(copy)) {
            assertThat(loaded.scorer().settings()).isEqualTo(trainedSettings);
            assertThat(loaded.scores(QUERY, PASSAGES)).containsExactly(trainedScores, Offset.offset(1e-5f));
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(from)) {
            paths = walk.toList();
        }
        for (Path p : paths) {
            Path target = to.resolve(from.relativize(p).toString());
            if (Files.isDirectory(p)) {
                Files.createDirectories(target);
            } else {
                Files.copy(p, target);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(root)) {
            paths = new ArrayList<>(walk.toList());
        }
        paths.sort(Comparator.reverseOrder());
        for (Path p : paths) {
            Files.delete(p);
        }
    }
}
