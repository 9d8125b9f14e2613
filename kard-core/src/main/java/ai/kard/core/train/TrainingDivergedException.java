package ai.kard.core.train;

import java.nio.file.Path;

/**
 * Training stopped because a loss or the gradient norm was NaN or infinite. The parameters were not
 * updated by the failing step, and the checkpoints written before it are untouched.
 */
public final class TrainingDivergedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int epoch;
    private final long step;
    private final transient Path lastCheckpoint;

    public TrainingDivergedException(String message, int epoch, long step, Path lastCheckpoint) {
        super(message);
        this.epoch = epoch;
        this.step = step;
        this.lastCheckpoint = lastCheckpoint;
    }

    /** 1-based epoch of the failing step. */
    public int epoch() {
        return epoch;
    }

    /** 1-based index of the optimizer step that failed. */
    public long step() {
        return step;
    }

    /** The newest good checkpoint, null when none was written. */
    public Path lastCheckpoint() {
        return lastCheckpoint;
    }
}
