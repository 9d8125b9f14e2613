/**
 * What training reports to its caller: a {@link ai.kard.core.train.ProgressListener} receives
 * {@link ai.kard.core.train.StepMetrics} and {@link ai.kard.core.train.EpochMetrics}; a finished run is a
 * {@link ai.kard.core.train.TrainingResult}; a run whose loss stops being finite throws
 * {@link ai.kard.core.train.TrainingDivergedException}. The training loop itself is internal
 * ({@code ai.kard.core.internal.train}).
 */
package ai.kard.core.train;
