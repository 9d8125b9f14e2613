package ai.kard.core.internal.model.t5;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/** Right-padded token ids {@code [rows, width]} with a 1/0 attention mask. */
record Batch(long[] ids, long[] mask, int rows, int width) {

    /** Pads {@code sequences} to the longest one (at least {@code minWidth}) with {@code padValue}. */
    static Batch pad(List<int[]> sequences, int padValue, int minWidth, String what) {
        int width = minWidth;
        for (int i = 0; i < sequences.size(); i++) {
            int[] sequence = sequences.get(i);
            if (sequence == null || sequence.length == 0) {
                throw new IllegalArgumentException(what + " " + i + " is empty");
            }
            width = Math.max(width, sequence.length);
        }
        int rows = sequences.size();
        long[] ids = new long[rows * width];
        long[] mask = new long[rows * width];
        java.util.Arrays.fill(ids, padValue);
        for (int r = 0; r < rows; r++) {
            int[] sequence = sequences.get(r);
            for (int t = 0; t < sequence.length; t++) {
                ids[r * width + t] = sequence[t];
                mask[r * width + t] = 1;
            }
        }
        return new Batch(ids, mask, rows, width);
    }

    NDArray ids(NDManager manager) {
        return manager.create(ids, new Shape(rows, width));
    }

    NDArray mask(NDManager manager) {
        return manager.create(mask, new Shape(rows, width));
    }
}
