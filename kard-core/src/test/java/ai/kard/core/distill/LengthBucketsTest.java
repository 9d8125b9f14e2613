package ai.kard.core.distill;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LengthBucketsTest {
    private static int[] lengths(int n) {
        Random random = new Random(7);
        return IntStream.range(0, n).map(i -> 5 + random.nextInt(300)).toArray();
    }

    @Test
    void everyExampleAppearsExactlyOncePerEpoch() {
        int[] lengths = lengths(1234);
        List<int[]> batches = LengthBuckets.batches(lengths, 16, 42, 0);
        int[] all = batches.stream().flatMapToInt(Arrays::stream).sorted().toArray();
        assertThat(all).isEqualTo(IntStream.range(0, 1234).toArray());
        assertThat(batches).allSatisfy(b -> assertThat(b.length).isBetween(1, 16));
    }

    @Test
    void sameSeedAndEpochGiveSameBatchesOtherEpochsDiffer() {
        int[] lengths = lengths(500);
        List<int[]> a = LengthBuckets.batches(lengths, 8, 3, 1);
        List<int[]> b = LengthBuckets.batches(lengths, 8, 3, 1);
        List<int[]> c = LengthBuckets.batches(lengths, 8, 3, 2);
        assertThat(a).usingRecursiveComparison().isEqualTo(b);
        assertThat(a.get(0)).isNotEqualTo(c.get(0));
    }

    @Test
    void bucketingPadsFarLessThanRandomBatches() {
        int[] lengths = lengths(2000);
        long bucketed = LengthBuckets.batches(lengths, 16, 1, 0).stream()
                .mapToLong(b -> LengthBuckets.paddedSize(b, lengths)).sum();
        long random = 0;
        for (int start = 0; start < lengths.length; start += 16) {
            random += LengthBuckets.paddedSize(IntStream.range(start, Math.min(lengths.length, start + 16)).toArray(),
                    lengths);
        }
        long real = Arrays.stream(lengths).asLongStream().sum();
        assertThat(bucketed - real).isLessThan((random - real) / 4);
    }
}
