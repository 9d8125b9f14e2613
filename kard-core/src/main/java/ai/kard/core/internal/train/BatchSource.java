package ai.kard.core.internal.train;

import java.util.List;

/**
 * The training batches of one epoch, by index. The {@link Trainer} visits the indices in a seeded random
 * order each epoch, so a source must return the same batch for the same index every time (build batches
 * up front, or deterministically from the index). Batches should be plain Java data (token ids, masks);
 * the task turns them into arrays inside {@link TrainingTask#loss}.
 */
public interface BatchSource<B> {

    int size();

    B batch(int index);

    /**
     * The batch at {@code index} in 0-based {@code epoch}; the trainer calls this one. Override to vary a
     * batch across epochs (data augmentation seeded from index and epoch); it must stay deterministic, or a
     * resumed run will not match an uninterrupted one.
     */
    default B batch(int index, int epoch) {
        return batch(index);
    }

    /** A source over a fixed list. */
    static <B> BatchSource<B> of(List<B> batches) {
        List<B> copy = List.copyOf(batches);
        return new BatchSource<>() {
            @Override
            public int size() {
                return copy.size();
            }

            @Override
            public B batch(int index) {
                return copy.get(index);
            }
        };
    }
}
