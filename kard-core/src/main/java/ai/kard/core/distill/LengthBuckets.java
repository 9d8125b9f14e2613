package ai.kard.core.distill;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Seeded batches of similar length, to limit padding: shuffle all examples, cut the order into pools of
 * {@code POOL_BATCHES} batches, sort each pool by length, cut it into batches and shuffle the batch order. The
 * same seed and epoch always give the same batches (exact resume depends on it).
 */
final class LengthBuckets {
    /** Batches per sorted pool: large enough to group lengths, small enough to keep epochs well mixed. */
    static final int POOL_BATCHES = 50;

    private LengthBuckets() {
    }

    /**
     * The batches of one epoch as lists of example indices.
     *
     * @param lengths   token length of each example (prompt + target)
     * @param batchSize examples per batch; the last batch of a pool may be smaller
     */
    public static List<int[]> batches(int[] lengths, int batchSize, long seed, int epoch) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        Random random = new Random(seed * 1_000_003L + epoch);
        List<Integer> order = new ArrayList<>(lengths.length);
        for (int i = 0; i < lengths.length; i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        List<int[]> batches = new ArrayList<>();
        int pool = batchSize * POOL_BATCHES;
        for (int start = 0; start < order.size(); start += pool) {
            List<Integer> slice = new ArrayList<>(order.subList(start, Math.min(order.size(), start + pool)));
            slice.sort(Comparator.comparingInt(i -> lengths[i]));
            for (int b = 0; b < slice.size(); b += batchSize) {
                batches.add(slice.subList(b, Math.min(slice.size(), b + batchSize)).stream()
                        .mapToInt(Integer::intValue).toArray());
            }
        }
        Collections.shuffle(batches, random);
        return batches;
    }

    /** Number of padded token slots a batch costs: size times its longest member. */
    static long paddedSize(int[] batch, int[] lengths) {
        return (long) batch.length * Arrays.stream(batch).map(i -> lengths[i]).max().orElse(0);
    }
}
