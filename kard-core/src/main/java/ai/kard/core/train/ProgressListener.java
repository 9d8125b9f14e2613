package ai.kard.core.train;

import java.nio.file.Path;

/**
 * Receives training progress; every method has an empty default. Called on the training thread; an
 * exception thrown here stops training (checkpoints already written stay).
 */
public interface ProgressListener {

    /** Every {@code logEverySteps} optimizer steps. */
    default void onStep(StepMetrics metrics) {}

    /** After each epoch's validation (and after its checkpoint is written). */
    default void onEpoch(EpochMetrics metrics) {}

    /** After a checkpoint has been written. */
    default void onCheckpoint(Path checkpoint) {}
}
