package ai.kard.core.train;

import java.nio.file.Path;

/**
 * Receives training progress; every method has an empty default. Called on the training thread; an
 * exception thrown here stops training (checkpoints already written stay).
 */
public interface ProgressListener {

    /**
     * Every {@code logEverySteps} optimizer steps.
     *
     * @param metrics the figures
     */
    default void onStep(StepMetrics metrics) {}

    /**
     * After each epoch's validation (and after its checkpoint is written).
     *
     * @param metrics the figures
     */
    default void onEpoch(EpochMetrics metrics) {}

    /**
     * After a checkpoint has been written.
     *
     * @param checkpoint the checkpoint folder just written
     */
    default void onCheckpoint(Path checkpoint) {}
}
