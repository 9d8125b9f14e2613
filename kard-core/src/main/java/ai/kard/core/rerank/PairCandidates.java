package ai.kard.core.rerank;

import java.util.Arrays;
import java.util.List;

/**
 * The mined candidates of one {@link RerankerPair}: the union of BM25(rationale) top-k1 and BM25(question)
 * top-k2, de-duplicated, with the soft-target score BM25(rationale, d) of every candidate.
 *
 * @param ids             the union: the rationale side first (in BM25 order), then question-only passages
 * @param rationaleScores BM25(rationale, ids[i]) with the knowledge base's statistics ({@code KnowledgeBase.score})
 * @param rationaleSide   indices into {@code ids} of the rationale's top-k1, best first
 * @param questionSide    indices into {@code ids} of the question's top-k2, best first (may overlap)
 */
public record PairCandidates(List<String> ids, float[] rationaleScores, int[] rationaleSide, int[] questionSide) {
    /**
     * Copies the ids and checks that there is one rationale score per candidate.
     *
     * @param ids the union: the rationale side first (in BM25 order), then question-only passages
     * @param rationaleScores BM25(rationale, ids[i]) with the knowledge base's statistics ({@code KnowledgeBase.score})
     * @param rationaleSide indices into {@code ids} of the rationale's top-k1, best first
     * @param questionSide indices into {@code ids} of the question's top-k2, best first (may overlap)
     */
    public PairCandidates {
        ids = List.copyOf(ids);
        if (rationaleScores.length != ids.size()) {
            throw new IllegalArgumentException(rationaleScores.length + " scores for " + ids.size() + " candidates");
        }
    }

    /**
     * Index of the rationale's best passage (its BM25 top-1), or -1 when the rationale found nothing.
     *
     * @return the index, or -1
     */
    public int best() {
        return rationaleSide.length == 0 ? -1 : rationaleSide[0];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PairCandidates p && ids.equals(p.ids) && Arrays.equals(rationaleScores, p.rationaleScores)
                && Arrays.equals(rationaleSide, p.rationaleSide) && Arrays.equals(questionSide, p.questionSide);
    }

    @Override
    public int hashCode() {
        return ids.hashCode() * 31 + Arrays.hashCode(rationaleScores);
    }

    @Override
    public String toString() {
        return "PairCandidates(" + ids.size() + " candidates, " + rationaleSide.length + " from the rationale, "
                + questionSide.length + " from the question)";
    }
}
