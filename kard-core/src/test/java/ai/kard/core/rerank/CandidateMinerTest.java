package ai.kard.core.rerank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.kard.api.ScoredPassage;
import ai.kard.core.rerank.RerankFixtures.CountingKnowledgeBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CandidateMinerTest {
    @TempDir
    Path temp;

    static List<RerankerPair> pairs() {
        return RerankerPair.of(RerankFixtures.questions(), RerankFixtures.rationales());
    }

    @Test
    void candidatesAreTheDeduplicatedUnionOfBothSidesWithRationaleScoresForEveryOne() throws Exception {
        try (CountingKnowledgeBase kb = new CountingKnowledgeBase(RerankFixtures.knowledgeBase())) {
            List<RerankerPair> pairs = pairs();
            List<PairCandidates> mined = new CandidateMiner(3, 4, null).mine(kb, pairs);
            assertThat(mined).hasSize(pairs.size());
            for (int i = 0; i < pairs.size(); i++) {
                PairCandidates c = mined.get(i);
                List<String> fromRationale = ids(kb.delegate.search(pairs.get(i).rationale(), 3));
                List<String> fromQuestion = ids(kb.delegate.search(pairs.get(i).query(), 4));
                Set<String> union = new LinkedHashSet<>(fromRationale);
                union.addAll(fromQuestion);
                assertThat(c.ids()).containsExactlyElementsOf(union).doesNotHaveDuplicates();
                assertThat(c.rationaleSide()).hasSize(fromRationale.size());
                assertThat(c.questionSide()).hasSize(fromQuestion.size());
                for (int j = 0; j < fromRationale.size(); j++) {
                    assertThat(c.ids().get(c.rationaleSide()[j])).isEqualTo(fromRationale.get(j));
                }
                for (int j = 0; j < fromQuestion.size(); j++) {
                    assertThat(c.ids().get(c.questionSide()[j])).isEqualTo(fromQuestion.get(j));
                }
                // Overlap is what makes the union smaller than k1 + k2 here.
                assertThat(c.ids().size()).isLessThanOrEqualTo(7);
                List<ScoredPassage> expected = kb.delegate.score(pairs.get(i).rationale(), c.ids());
                for (int j = 0; j < c.ids().size(); j++) {
                    assertThat(c.rationaleScores()[j]).isEqualTo((float) expected.get(j).score());
                }
                assertThat(c.ids().get(c.best())).isEqualTo(fromRationale.get(0)).isEqualTo("ent-" + i);
            }
        }
    }

    @Test
    void aSecondRunReadsTheCacheWithoutSearching() throws Exception {
        try (CountingKnowledgeBase kb = new CountingKnowledgeBase(RerankFixtures.knowledgeBase())) {
            Path cache = temp.resolve("cache");
            List<PairCandidates> first = new CandidateMiner(3, 4, cache).mine(kb, pairs());
            int searches = kb.searches.get();
            assertThat(searches).isEqualTo(2 * pairs().size()); // one per rationale, one per distinct question
            try (var files = Files.list(cache)) {
                assertThat(files.toList()).hasSize(1);
            }

            List<PairCandidates> second = new CandidateMiner(3, 4, cache).mine(kb, pairs());
            assertThat(kb.searches.get()).isEqualTo(searches);
            assertThat(second).isEqualTo(first);

            // Other k or other data: another key, so it searches again.
            new CandidateMiner(2, 4, cache).mine(kb, pairs());
            assertThat(kb.searches.get()).isGreaterThan(searches);
            int afterK = kb.searches.get();
            List<RerankerPair> changed = new ArrayList<>(pairs());
            changed.set(0, new RerankerPair("q0", changed.get(0).query(), "Borlam disease is renal."));
            new CandidateMiner(3, 4, cache).mine(kb, changed);
            assertThat(kb.searches.get()).isGreaterThan(afterK);
        }
    }

    @Test
    void aDamagedCacheFileIsReportedByName() throws Exception {
        try (CountingKnowledgeBase kb = new CountingKnowledgeBase(RerankFixtures.knowledgeBase())) {
            CandidateMiner miner = new CandidateMiner(3, 4, temp);
            Path file = miner.cacheFile(kb, pairs()).orElseThrow();
            Files.write(file, new byte[] {1, 2, 3});
            assertThatThrownBy(() -> miner.mine(kb, pairs())).hasMessageContaining(file.getFileName().toString());
        }
    }

    @Test
    void rejectsBadSizes() {
        assertThatThrownBy(() -> new CandidateMiner(0, 4, null)).hasMessageContaining("k1").hasMessageContaining("0");
        assertThatThrownBy(() -> new CandidateMiner(2, -1, null)).hasMessageContaining("-1");
    }

    private static List<String> ids(List<ScoredPassage> hits) {
        return hits.stream().map(ScoredPassage::id).toList();
    }
}
