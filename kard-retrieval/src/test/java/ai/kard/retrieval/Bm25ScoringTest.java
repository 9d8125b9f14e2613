package ai.kard.retrieval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.kard.api.Passage;
import ai.kard.api.ScoredPassage;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Exact BM25 scores on a three-passage index against Lucene 9's formula computed by hand:
 * idf = ln(1 + (N - n + 0.5) / (n + 0.5)), score = sum over query terms of idf * tf / (tf + k1 * (1 - b + b * dl / avgdl)).
 * Lucene 9 drops the (k1 + 1) factor and stores dl lossily (exact below 24 tokens; 41 tokens decode to 40), while
 * avgdl is the exact mean.
 */
class Bm25ScoringTest {
    private static final double K1 = 0.9;
    private static final double B = 0.4;

    // After analysis (stop words gone, Porter stemmed):
    // a: fox fact quick brown fox jump over lazi dog   (dl 9; tf fox 2, dog 1)
    // b: fox fox dog dog                               (dl 4; tf fox 2, dog 2)
    // c: dog + cat x 40                                 (dl 41, stored as 40; tf dog 1, cat 40)
    private static final List<Passage> PASSAGES = List.of(
            new Passage("a", "Fox facts", "The quick brown fox jumps over the lazy dog"),
            new Passage("b", "", "A fox is a fox, and a dog is a dog"),
            new Passage("c", "", "Dogs " + "cat ".repeat(40).strip()));
    private static final double N = 3;
    private static final double AVGDL = (9 + 4 + 41) / 3.0;

    private static LuceneKnowledgeBase kb;

    @BeforeAll
    static void build() throws Exception {
        kb = LuceneKnowledgeBase.inMemory(PASSAGES, Bm25Settings.DEFAULT);
    }

    @AfterAll
    static void close() throws Exception {
        kb.close();
    }

    private static double idf(double docFreq) {
        return Math.log(1 + (N - docFreq + 0.5) / (docFreq + 0.5));
    }

    private static double tf(double tf, double dl) {
        return tf / (tf + K1 * (1 - B + B * dl / AVGDL));
    }

    private static Map<String, Double> scores(List<ScoredPassage> results) {
        return results.stream().collect(Collectors.toMap(ScoredPassage::id, ScoredPassage::score));
    }

    @Test
    void scoresMatchHandComputedBm25() throws Exception {
        double idfFox = idf(2);
        double idfDog = idf(3);
        double a = idfFox * tf(2, 9) + idfDog * tf(1, 9);
        double b = idfFox * tf(2, 4) + idfDog * tf(2, 4);
        double c = idfDog * tf(1, 40); // 41 tokens, decoded as 40 by SmallFloat

        List<ScoredPassage> results = kb.search("fox dog", 10);

        assertThat(results).extracting(ScoredPassage::id).containsExactly("b", "a", "c");
        Map<String, Double> got = scores(results);
        assertThat(got.get("a")).isCloseTo(a, within(1e-4));
        assertThat(got.get("b")).isCloseTo(b, within(1e-4));
        assertThat(got.get("c")).isCloseTo(c, within(1e-4));
        // The lossy length matters: with the exact length of 41 the score would differ by more than the tolerance.
        assertThat(Math.abs(idfDog * tf(1, 41) - c)).isGreaterThan(2e-4);
    }

    @Test
    void titleIsSearchedWithText() throws Exception {
        List<ScoredPassage> results = kb.search("facts", 10);
        assertThat(results).extracting(ScoredPassage::id).containsExactly("a");
        assertThat(results.get(0).score()).isCloseTo(idf(1) * tf(1, 9), within(1e-4));
    }

    @Test
    void repeatedQueryTermsCountOncePerOccurrenceAsInPyserini() throws Exception {
        double once = scores(kb.search("fox", 10)).get("a");
        double twice = scores(kb.search("fox foxes fox", 10)).get("a");
        assertThat(twice).isCloseTo(3 * once, within(1e-4));
        assertThat(once).isCloseTo(idf(2) * tf(2, 9), within(1e-4));
    }

    @Test
    void scoreEqualsSearch() throws Exception {
        for (String query : List.of("fox dog", "lazy cats and dogs", "fox fox quick", "cat")) {
            List<ScoredPassage> searched = kb.search(query, 10);
            List<String> ids = searched.stream().map(ScoredPassage::id).toList();
            List<ScoredPassage> rescored = kb.score(query, ids);
            for (int i = 0; i < ids.size(); i++) {
                assertThat(rescored.get(i).id()).isEqualTo(ids.get(i));
                assertThat(rescored.get(i).score()).as(query + " / " + ids.get(i))
                        .isCloseTo(searched.get(i).score(), within(1e-5));
            }
        }
    }

    @Test
    void scoreGivesZeroWithoutSharedTermsAndKeepsOrder() throws Exception {
        List<ScoredPassage> scored = kb.score("cat", List.of("a", "c", "b"));
        assertThat(scored).extracting(ScoredPassage::id).containsExactly("a", "c", "b");
        assertThat(scored.get(0).score()).isZero();
        assertThat(scored.get(1).score()).isCloseTo(idf(1) * tf(40, 40), within(1e-4));
        assertThat(scored.get(2).score()).isZero();
    }
}
