package ai.kard.core.distill;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Self-consistency: the option most samples chose; "no answer" samples do not vote. */
final class MajorityVote {
    private MajorityVote() {
    }

    /**
     * The winning option of {@code votes} (null entries are samples without an answer), or null when no sample
     * answered. Ties go to the option first chosen in sample order, so the result is deterministic and, with one
     * sample, equals that sample.
     */
    public static Integer winner(List<Integer> votes) {
        Map<Integer, Integer> counts = new HashMap<>();
        Integer best = null;
        int bestCount = 0;
        for (Integer vote : votes) {
            if (vote != null) {
                counts.merge(vote, 1, Integer::sum);
            }
        }
        for (Integer vote : votes) {
            if (vote != null && counts.get(vote) > bestCount) {
                best = vote;
                bestCount = counts.get(vote);
            }
        }
        return best;
    }
}
