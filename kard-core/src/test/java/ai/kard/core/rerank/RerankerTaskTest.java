package ai.kard.core.rerank;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.kard.api.Passage;
import ai.kard.core.internal.train.BatchSource;
import ai.kard.core.internal.train.Trainer;
import ai.kard.core.internal.train.TrainerConfig;
import ai.kard.core.train.TrainingResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RerankerTaskTest {
    static final TemperatureSchedule TAU1 = new TemperatureSchedule(5, 1);
    static final TemperatureSchedule TAU2 = new TemperatureSchedule(2, 1);

    static RerankExample example(LateInteractionScorer scorer, String query, List<Passage> passages, float[] targets) {
        return new RerankExample(scorer.queryTokens(query),
                passages.stream().map(p -> scorer.passageTokens(p.contents())).toList(), targets);
    }

    /** KL(Q || P) of one example, in double precision from the scorer's own scores. */
    static double handKl(LateInteractionScorer scorer, RerankExample e, double tau1, double tau2) {
        float[] s;
        try (NDManager m = scorer.manager().newSubManager()) {
            s = scorer.scores(m, e.query(), e.passages()).toFloatArray();
        }
        double[] q = new double[s.length];
        double[] p = new double[s.length];
        double qs = 0;
        double ps = 0;
        for (int i = 0; i < s.length; i++) {
            q[i] = Math.exp(e.targetScores()[i] / tau1);
            p[i] = Math.exp(s[i] / tau2);
            qs += q[i];
            ps += p[i];
        }
        double kl = 0;
        for (int i = 0; i < s.length; i++) {
            kl += q[i] / qs * Math.log((q[i] / qs) / (p[i] / ps));
        }
        return kl;
    }

    @Test
    void klMatchesAHandComputationAndAveragesOverExamplesOfDifferentSizes() throws Exception {
        try (LateInteractionScorer scorer = LateInteractionRerankerTest.scorer(3)) {
            List<Passage> passages = LateInteractionRerankerTest.PASSAGES;
            RerankExample a = example(scorer, LateInteractionRerankerTest.QUERY, passages.subList(0, 4),
                    new float[] {7.5f, 0.5f, 2f, 0f});
            RerankExample b = example(scorer, "Where does rust come from?", passages.subList(1, 4),
                    new float[] {1f, 6f, 0.25f});
            RerankerTask task = new RerankerTask(scorer, TAU1, TAU2, 10, false);
            try (NDManager m = scorer.manager().newSubManager()) {
                double single = task.kl(m, new RerankBatch(List.of(a)), 3, 0.5).getFloat();
                assertThat(single).isCloseTo(handKl(scorer, a, 3, 0.5), Offset.offset(1e-4));
                assertThat(single).isGreaterThan(0);
                double both = task.kl(m, new RerankBatch(List.of(a, b)), 3, 0.5).getFloat();
                double expected = (handKl(scorer, a, 3, 0.5) + handKl(scorer, b, 3, 0.5)) / 2;
                assertThat(both).isCloseTo(expected, Offset.offset(1e-4));
            }
        }
    }

    @Test
    void trainingLossesAdvanceTheAnnealing() throws Exception {
        try (LateInteractionScorer scorer = LateInteractionRerankerTest.scorer(3)) {
            RerankExample a = example(scorer, "plants", LateInteractionRerankerTest.PASSAGES.subList(0, 3),
                    new float[] {3f, 0f, 1f});
            RerankerTask task = new RerankerTask(scorer, TAU1, new TemperatureSchedule(500, 100), 10, false);
            assertThat(task.targetTemperature()).isEqualTo(5.0);
            try (NDManager m = scorer.manager().newSubManager()) {
                double expected = handKl(scorer, a, 5, 500);
                assertThat((double) task.loss(m, new RerankBatch(List.of(a))).getFloat())
                        .isCloseTo(expected, Offset.offset(1e-5));
                task.validationLoss(m, new RerankBatch(List.of(a)));
            }
            assertThat(task.step()).isEqualTo(1);
            assertThat(task.targetTemperature()).isCloseTo(TAU1.at(1, 10), Offset.offset(1e-12)).isLessThan(5.0);
            task.startAt(10);
            assertThat(task.modelTemperature()).isCloseTo(100, Offset.offset(0.1));
        }
    }

    @Test
    void freezingThePassagesKeepsTheirTokensOutOfTheGradient() throws Exception {
        // "moon" occurs only in a passage: its embedding row gets a gradient only through the passage side.
        List<Passage> passages = LateInteractionRerankerTest.PASSAGES.subList(0, 3);
        for (boolean freeze : new boolean[] {false, true}) {
            try (LateInteractionScorer scorer = LateInteractionRerankerTest.scorer(5)) {
                int moon = scorer.tokenizer().tokenId("moon").orElseThrow();
                int plants = scorer.tokenizer().tokenId("plants").orElseThrow();
                RerankExample e = example(scorer, "Which gas do plants absorb?", passages, new float[] {5f, 0f, 1f});
                RerankerTask task = new RerankerTask(scorer, TAU1, TAU2, 10, freeze);
                NDArray embeddings = scorer.encoder().parameters().get("embeddings.word_embeddings.weight").getArray();
                NDArray projection = scorer.projection();
                embeddings.setRequiresGradient(true);
                projection.setRequiresGradient(true);
                try (NDManager m = scorer.manager().newSubManager();
                        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    collector.backward(task.loss(m, new RerankBatch(List.of(e))));
                    float moonGrad = embeddings.getGradient().get(moon).abs().sum().getFloat();
                    float plantsGrad = embeddings.getGradient().get(plants).abs().sum().getFloat();
                    assertThat(plantsGrad).as("query token, freeze=%s", freeze).isGreaterThan(0);
                    if (freeze) {
                        assertThat(moonGrad).as("passage-only token with frozen passages").isZero();
                    } else {
                        assertThat(moonGrad).as("passage-only token trained from both sides").isGreaterThan(0);
                    }
                    assertThat(projection.getGradient().abs().sum().getFloat()).isGreaterThan(0);
                }
            }
        }
    }

    /** Several seeds: a run that once hit a NaN gradient norm mid-epoch (buffer-backed operands freed by a GC). */
    @ParameterizedTest
    @ValueSource(longs = {7, 8, 9})
    void aShortTrainingRunLowersTheLoss(long seed) throws Exception {
        try (LateInteractionScorer scorer = LateInteractionRerankerTest.scorer(seed)) {
            List<Passage> passages = LateInteractionRerankerTest.PASSAGES;
            List<String> queries = List.of(LateInteractionRerankerTest.QUERY, "What happens to iron in water?",
                    "What orbits the earth?", "Which planets have no surface?", "What do roots take up?");
            List<RerankBatch> batches = new ArrayList<>();
            for (int i = 0; i < queries.size(); i++) {
                float[] targets = new float[passages.size()];
                targets[i] = 8f;
                batches.add(new RerankBatch(List.of(example(scorer, queries.get(i), passages, targets))));
            }
            RerankerTask task = new RerankerTask(scorer, TAU1, TAU2, 40, false);
            double before;
            try (NDManager m = scorer.manager().newSubManager()) {
                before = task.evaluate(m, batches).loss();
            }
            TrainingResult result = Trainer.<RerankBatch>builder(TrainerConfig.builder().epochs(8).learningRate(1e-3)
                    .build()).build().fit(task, BatchSource.of(batches), batches);
            assertThat(task.step()).isEqualTo(40);
            assertThat(result.last().validationLoss()).isLessThan(before * 0.7);
            assertThat(result.last().validationAccuracy()).isGreaterThanOrEqualTo(0.8);
        }
    }

    @Test
    void batchesAreDeterministicAndSampleFromBothSides() {
        List<PairCandidates> candidates = List.of(
                new PairCandidates(List.of("a", "b", "c", "d", "e", "f"), new float[] {6, 5, 4, 3, 2, 1},
                        new int[] {0, 1, 2, 3}, new int[] {3, 4, 5}),
                new PairCandidates(List.of("a"), new float[] {1}, new int[] {0}, new int[] {0}),
                new PairCandidates(List.of("c", "d", "e"), new float[] {3, 0, 0}, new int[] {0}, new int[] {1, 2}));
        Map<String, int[]> tokens = Map.of("a", new int[] {1}, "b", new int[] {2}, "c", new int[] {3},
                "d", new int[] {4}, "e", new int[] {5}, "f", new int[] {6});
        RerankBatchSource source = new RerankBatchSource(List.of(new int[] {9}, new int[] {9}, new int[] {8}),
                candidates, tokens, 2, 2, 1, 11);
        assertThat(source.pairCount()).isEqualTo(2); // the one-candidate pair cannot form a distribution
        assertThat(source.size()).isEqualTo(2);
        for (int epoch = 0; epoch < 3; epoch++) {
            for (int i = 0; i < source.size(); i++) {
                RerankBatch one = source.batch(i, epoch);
                RerankBatch two = source.batch(i, epoch);
                RerankExample x = one.examples().get(0);
                assertThat(x.targetScores()).isEqualTo(two.examples().get(0).targetScores());
                int fromRationale = 0;
                for (float t : x.targetScores()) {
                    fromRationale += t >= 3 ? 1 : 0;
                }
                if (x.query()[0] == 9) {
                    assertThat(x.passages()).hasSize(4);
                    assertThat(fromRationale).isGreaterThanOrEqualTo(2);
                } else {
                    assertThat(x.passages()).hasSize(3);
                }
            }
        }
    }
    @Test
    void batchTargetsSpreadEachExampleOverAllPassagesOfTheStep() throws Exception {
        try (LateInteractionScorer scorer = LateInteractionRerankerTest.scorer(3)) {
            List<Passage> passages = LateInteractionRerankerTest.PASSAGES;
            RerankExample a = example(scorer, LateInteractionRerankerTest.QUERY, passages.subList(0, 2),
                    new float[] {7.5f, 0.5f});
            RerankExample b = example(scorer, "Where does rust come from?", passages.subList(2, 4),
                    new float[] {1f, 6f});
            // Each row scores all four passages; as one example over the four, the KL must be the same.
            float[][] targets = {{7.5f, 0.5f, 2f, 0f}, {3f, 0.5f, 1f, 6f}};
            RerankExample aAll = example(scorer, LateInteractionRerankerTest.QUERY, passages.subList(0, 4), targets[0]);
            RerankExample bAll = example(scorer, "Where does rust come from?", passages.subList(0, 4), targets[1]);
            RerankerTask task = new RerankerTask(scorer, TAU1, TAU2, 10, false);
            try (NDManager m = scorer.manager().newSubManager()) {
                double shared = task.kl(m, new RerankBatch(List.of(a, b), targets), 3, 0.5).getFloat();
                double expected = (handKl(scorer, aAll, 3, 0.5) + handKl(scorer, bAll, 3, 0.5)) / 2;
                assertThat(shared).isCloseTo(expected, Offset.offset(1e-4));
                double own = task.kl(m, new RerankBatch(List.of(a, b)), 3, 0.5).getFloat();
                assertThat(shared).isNotCloseTo(own, Offset.offset(1e-3));
            }
        }
    }

    @Test
    void keepBestSamplesTheRationalesTopPassageEveryTimeAndScoresTheWholeStep() {
        List<PairCandidates> candidates = new ArrayList<>();
        List<int[]> queries = new ArrayList<>();
        Map<String, int[]> tokens = new java.util.HashMap<>();
        for (int p = 0; p < 4; p++) {
            List<String> ids = new ArrayList<>();
            float[] scores = new float[12];
            int[] rationaleSide = new int[8];
            int[] questionSide = new int[4];
            for (int i = 0; i < 12; i++) {
                ids.add(p + "-" + i);
                scores[i] = 20 - i;
                tokens.put(p + "-" + i, new int[] {100 * p + i});
                if (i < 8) {
                    rationaleSide[i] = i;
                } else {
                    questionSide[i - 8] = i;
                }
            }
            candidates.add(new PairCandidates(ids, scores, rationaleSide, questionSide));
            queries.add(new int[] {p});
        }
        List<Integer> scoredPairs = new ArrayList<>();
        RerankBatchSource source = new RerankBatchSource(queries, candidates, tokens, 2, 2, 2, 5, true,
                (pair, ids) -> {
                    scoredPairs.add(pair);
                    float[] out = new float[ids.size()];
                    for (int i = 0; i < out.length; i++) {
                        out[i] = ids.get(i).startsWith(pair + "-") ? 1 : 0;
                    }
                    return out;
                });
        for (int epoch = 0; epoch < 4; epoch++) {
            for (int i = 0; i < source.size(); i++) {
                RerankBatch batch = source.batch(i, epoch);
                assertThat(batch.batchTargets()).hasNumberOfRows(2);
                int offset = 0;
                for (int b = 0; b < 2; b++) {
                    RerankExample e = batch.examples().get(b);
                    int pair = e.query()[0];
                    assertThat(e.targetScores()).contains(20f); // the rationale's best, every step
                    assertThat(scoredPairs.get(scoredPairs.size() - 2 + b)).isEqualTo(pair);
                    float[] row = batch.batchTargets()[b];
                    assertThat(row).hasSize(batch.passageCount());
                    for (int j = 0; j < row.length; j++) {
                        boolean own = j >= offset && j < offset + e.passages().size();
                        assertThat(row[j]).as("row %d passage %d", b, j).isEqualTo(own ? 1f : 0f);
                    }
                    offset += e.passages().size();
                }
            }
        }
    }
    @Test
    void softMaxSimTendsToTheHardMaxAndReachesEveryPassageToken() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            // One query of 2 tokens (both real); two passages of 3 tokens, the second padded after 2.
            NDArray qv = m.create(new float[] {1, 0, 0, 1}, new ai.djl.ndarray.types.Shape(1, 2, 2));
            NDArray qmask = m.create(new long[] {1, 1}, new ai.djl.ndarray.types.Shape(1, 2));
            NDArray dv = m.create(new float[] {0.9f, 0.1f, 0.2f, 0.8f, 0.5f, 0.5f, 0.3f, 0.6f, 0.7f, 0.1f, 9f, 9f},
                    new ai.djl.ndarray.types.Shape(2, 3, 2));
            NDArray dmask = m.create(new long[] {1, 1, 1, 1, 1, 0}, new ai.djl.ndarray.types.Shape(2, 3));
            float[] hard = LateInteractionScorer.maxSim(qv, qmask, dv, dmask).toFloatArray();
            // Passage 1: max(0.9, 0.2, 0.5) + max(0.1, 0.8, 0.5); passage 2 ignores the padded (9, 9).
            assertThat(hard[0]).isCloseTo(1.7f, Offset.offset(1e-5f));
            assertThat(hard[1]).isCloseTo(0.7f + 0.6f, Offset.offset(1e-5f));
            float[] nearlyHard = LateInteractionScorer.maxSim(qv, qmask, dv, dmask, 1e-3).toFloatArray();
            assertThat(nearlyHard[0]).isCloseTo(hard[0], Offset.offset(1e-3f));
            assertThat(nearlyHard[1]).isCloseTo(hard[1], Offset.offset(1e-3f));
            float[] soft = LateInteractionScorer.maxSim(qv, qmask, dv, dmask, 0.5).toFloatArray();
            double expected = 0.5 * Math.log(Math.exp(0.9 / 0.5) + Math.exp(0.2 / 0.5) + Math.exp(0.5 / 0.5))
                    + 0.5 * Math.log(Math.exp(0.1 / 0.5) + Math.exp(0.8 / 0.5) + Math.exp(0.5 / 0.5));
            assertThat((double) soft[0]).isCloseTo(expected, Offset.offset(1e-4));
            assertThat(soft[1]).isLessThan(5); // the padded token stays out

            dv.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(LateInteractionScorer.maxSim(qv, qmask, dv, dmask, 0.5).sum());
                float[] grad = dv.getGradient().toFloatArray();
                // Passage 1's third token wins no max, yet gets a gradient; padding gets none.
                assertThat(Math.abs(grad[4]) + Math.abs(grad[5])).isGreaterThan(0);
                assertThat(grad[10]).isZero();
                assertThat(grad[11]).isZero();
            }
        }
    }
}
