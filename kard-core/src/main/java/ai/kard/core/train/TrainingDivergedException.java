package ai.kard.core.train;

import java.nio.file.Path;

/**
 * Training stopped because a loss or the gradient norm was NaN or infinite. The parameters were not
 * updated by the failing step, and the checkpoints written before it are untouched.
 */
public final class TrainingDivergedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The 1-based epoch. */
    private final int epoch;
    /** The global step. */
    private final long step;
    private final transient Path lastCheckpoint;

    /**
     * Training stopped because the loss stopped being finite.
     *
     * @param message what happened
     * @param epoch the 1-based epoch
     * @param step the global step
     * @param lastCheckpoint the newest checkpoint, or null
     */
    public TrainingDivergedException(String message, int epoch, long step, Path lastCheckpoint) {
        super(message);
        this.epoch = epoch;
        this.step = step;
        this.lastCheckpoint = lastCheckpoint;
    }

    /**
     * 1-based epoch of the failing step.
     *
     * @return the 1-based epoch
     */
    public int epoch() {
        return epoch;
    }

    /**
     * 1-based index of the optimizer step that failed.
     *
     * @return the global step
     */
    public long step() {
        return step;
    }

    /**
     * The newest good checkpoint, null when none was written.
     *
     * @return the newest checkpoint, or null when none was written
     */
    public Path lastCheckpoint() {
        return lastCheckpoint;
    }
}
