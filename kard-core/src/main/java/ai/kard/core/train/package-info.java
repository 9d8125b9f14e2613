/**
 * The generic training loop: used for the students and the reranker.
 *
 * <p>Implement {@link ai.kard.core.train.TrainingTask} (a block and a scalar loss per batch), wrap the
 * training batches in a {@link ai.kard.core.train.BatchSource}, configure a
 * {@link ai.kard.core.train.TrainerConfig} and call {@link ai.kard.core.train.Trainer#fit}; after a crash,
 * {@link ai.kard.core.train.Trainer#resume} with the same task shape, data and configuration continues
 * exactly. A checkpoint directory receives {@code checkpoint-NNNNNNNN/} folders, {@code metrics.jsonl} and
 * {@code loss.png}. Everything under {@code ...train.internal} is implementation detail.
 */
package ai.kard.core.train;
