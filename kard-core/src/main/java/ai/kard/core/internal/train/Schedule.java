package ai.kard.core.internal.train;

/** Learning-rate schedule kind; see {@link LearningRateSchedule} for the exact values. */
public enum Schedule {
    /** The configured learning rate at every step (the KARD reference for the student). */
    CONSTANT,
    /** Linear warmup from 0 to the learning rate, then linear decay to 0 at the last step. */
    LINEAR
}
