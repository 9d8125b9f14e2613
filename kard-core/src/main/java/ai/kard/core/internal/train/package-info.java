/**
 * The generic training loop used for the students and the reranker, and its implementation detail. Internal: not
 * part of the API, may change in any release.
 *
 * <p>Implement {@link ai.kard.core.internal.train.TrainingTask} (a block and a scalar loss per batch), wrap the
 * training batches in a {@link ai.kard.core.internal.train.BatchSource}, configure a
 * {@link ai.kard.core.internal.train.TrainerConfig} and call {@link ai.kard.core.internal.train.Trainer#fit}; after
 * a crash, {@link ai.kard.core.internal.train.Trainer#resume} with the same task shape, data and configuration
 * continues exactly. A checkpoint directory receives {@code checkpoint-NNNNNNNN/} folders, {@code metrics.jsonl}
 * and {@code loss.png} (the optimizer, gradient clipping, checkpoint files and the metrics log live here too).
 */
package ai.kard.core.internal.train;
