package ai.kard.core.internal.model.bert;

import java.util.Arrays;
import java.util.List;

/**
 * Token sequences right-padded to the longest, flattened row-major: ids {@code [rows, length]} with the pad id in
 * the padding, and the attention mask (1 for tokens, 0 for padding). What every encoder runtime is fed.
 *
 * @param ids the padded ids
 * @param mask the attention mask
 * @param rows the number of sequences
 * @param length the padded length
 */
public record PaddedBatch(long[] ids, long[] mask, int rows, int length) {
    /**
     * Pads {@code sequences} on the right with {@code padId}.
     *
     * @param sequences token ids, at least one non-empty sequence
     * @param padId the pad token id
     * @return the padded batch
     */
    public static PaddedBatch of(List<int[]> sequences, int padId) {
        if (sequences.isEmpty()) {
            throw new IllegalArgumentException("no sequences to encode");
        }
        int length = sequences.stream().mapToInt(s -> s.length).max().orElse(0);
        if (length == 0) {
            throw new IllegalArgumentException("every sequence is empty");
        }
        long[] ids = new long[sequences.size() * length];
        long[] mask = new long[ids.length];
        Arrays.fill(ids, padId);
        for (int b = 0; b < sequences.size(); b++) {
            int[] s = sequences.get(b);
            for (int t = 0; t < s.length; t++) {
                ids[b * length + t] = s[t];
                mask[b * length + t] = 1;
            }
        }
        return new PaddedBatch(ids, mask, sequences.size(), length);
    }
}
