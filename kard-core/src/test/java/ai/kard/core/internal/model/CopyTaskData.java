package ai.kard.core.internal.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The task of the copy-head tests: random prompts in which a marker precedes the token to copy, as "the drug is X"
 * points at a name. Training and test targets come from disjoint id ranges, like renamed drugs.
 */
public final class CopyTaskData {
    /** The marker token. */
    public static final int MARK = 5;

    private CopyTaskData() {
    }

    /**
     * {@code n} prompts of {@code length} tokens: {@code prefix} (a bos, or nothing), then random ids from
     * {@code [10, vocab)}, one of them (not the last) the marker followed by a target from {@code [low, high)}.
     */
    public static List<int[]> prompts(Random random, int n, int vocab, int[] prefix, int length, int low, int high) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] p = new int[length];
            System.arraycopy(prefix, 0, p, 0, prefix.length);
            for (int j = prefix.length; j < length; j++) {
                p[j] = 10 + random.nextInt(vocab - 10);
            }
            int mark = prefix.length + random.nextInt(length - prefix.length - 1);
            p[mark] = MARK;
            p[mark + 1] = low + random.nextInt(high - low);
            out.add(p);
        }
        return out;
    }

    /** The expected output for {@code prompt}: the token after its marker, then {@code eos}. */
    public static int[] target(int[] prompt, int eos) {
        for (int j = 0; j < prompt.length - 1; j++) {
            if (prompt[j] == MARK) {
                return new int[] {prompt[j + 1], eos};
            }
        }
        throw new IllegalStateException("no marker");
    }
}
