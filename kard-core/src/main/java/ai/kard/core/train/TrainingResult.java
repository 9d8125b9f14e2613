package ai.kard.core.train;

import ai.kard.core.internal.train.Trainer;
import java.nio.file.Path;
import java.util.List;

/**
 * Outcome of {@link Trainer#fit} or {@link Trainer#resume}; the trained weights are in the task's block.
 *
 * @param epochs metrics of every finished epoch, including those before a resumption
 * @param steps optimizer steps done
 * @param lastCheckpoint the newest checkpoint written, null when no checkpoint directory was configured
 * @param elapsedSeconds training time across resumptions
 */
public record TrainingResult(List<EpochMetrics> epochs, long steps, Path lastCheckpoint, double elapsedSeconds) {

    /**
     * Copies the epochs.
     *
     * @param epochs metrics of every finished epoch, including those before a resumption
     * @param steps optimizer steps done
     * @param lastCheckpoint the newest checkpoint written, null when no checkpoint directory was configured
     * @param elapsedSeconds training time across resumptions
     */
    public TrainingResult {
        epochs = List.copyOf(epochs);
    }

    /**
     * The last epoch's metrics.
     *
     * @return the last epoch's metrics
     */
    public EpochMetrics last() {
        if (epochs.isEmpty()) {
            throw new IllegalStateException("no epoch finished");
        }
        return epochs.get(epochs.size() - 1);
    }
}
