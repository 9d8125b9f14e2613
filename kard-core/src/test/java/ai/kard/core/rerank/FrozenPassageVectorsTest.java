package ai.kard.core.rerank;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.kard.api.Passage;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class FrozenPassageVectorsTest {
    @Test
    void servesTheScorersVectorsAndEncodesEachDistinctPassageOnce() throws Exception {
        try (LateInteractionScorer scorer = LateInteractionRerankerTest.scorer(3)) {
            List<int[]> passages = LateInteractionRerankerTest.PASSAGES.stream()
                    .map(p -> scorer.passageTokens(p.contents())).toList();
            FrozenPassageVectors cache = new FrozenPassageVectors(scorer);
            // Duplicates (same token ids, different arrays) count once.
            assertThat(cache.precompute(List.of(passages.get(0), passages.get(0).clone(), passages.get(1))))
                    .isEqualTo(2);
            try (NDManager manager = scorer.manager().newSubManager()) {
                NDList cached = cache.vectors(manager, passages);
                NDList direct = scorer.vectors(manager, passages);
                assertThat(cached.get(0).getShape()).isEqualTo(direct.get(0).getShape());
                assertThat(cached.get(1).toLongArray()).isEqualTo(direct.get(1).toLongArray());
                float[] expected = direct.get(0).toFloatArray();
                float[] actual = cached.get(0).toFloatArray();
                long[] mask = direct.get(1).toLongArray();
                int dim = scorer.settings().dim();
                for (int i = 0; i < expected.length; i++) {
                    if (mask[i / dim] == 1) { // padded positions: zeros in the cache, whatever the encoder gives
                        assertThat(actual[i]).isCloseTo(expected[i], Offset.offset(1e-5f));
                    }
                }
                assertThat(cached.get(0).hasGradient()).isFalse();
            }
            assertThat(cache.encodedPassages()).isEqualTo(LateInteractionRerankerTest.PASSAGES.size());
            try (NDManager manager = scorer.manager().newSubManager()) {
                cache.vectors(manager, passages.subList(1, 4));
            }
            assertThat(cache.encodedPassages()).isEqualTo(LateInteractionRerankerTest.PASSAGES.size());
            assertThat(cache.size()).isEqualTo(LateInteractionRerankerTest.PASSAGES.size());
        }
    }

    @Test
    void aScorerWithAnAttachedPassageScorerEncodesPassagesWithItAndSavesIt(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path temp) throws Exception {
        List<Passage> passages = LateInteractionRerankerTest.PASSAGES;
        String query = LateInteractionRerankerTest.QUERY;
        try (LateInteractionScorer questions = LateInteractionRerankerTest.scorer(1);
                LateInteractionScorer passageSide = LateInteractionRerankerTest.scorer(2);
                LateInteractionScorer sameSide = LateInteractionRerankerTest.scorer(1)) {
            float[] shared = LateInteractionRerankerTest.direct(sameSide, query, passages);
            float[] before = LateInteractionRerankerTest.direct(questions, query, passages);
            assertThat(before).containsExactly(shared, Offset.offset(1e-5f));
            questions.attachPassageScorer(LateInteractionRerankerTest.scorer(2));
            float[] split = LateInteractionRerankerTest.direct(questions, query, passages);
            assertThat(split).isNotEqualTo(shared);
            questions.save(temp.resolve("r"));
            assertThat(temp.resolve("r").resolve(LateInteractionScorer.PASSAGE_SCORER_FOLDER)
                    .resolve(LateInteractionScorer.SETTINGS_FILE)).isRegularFile();
            try (LateInteractionReranker loaded = LateInteractionReranker.load(temp.resolve("r"))) {
                assertThat(loaded.scores(query, passages)).containsExactly(split, Offset.offset(1e-4f));
            }
        }
    }
}
