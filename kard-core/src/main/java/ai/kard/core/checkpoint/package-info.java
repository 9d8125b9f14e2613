/**
 * The checked exception for an unusable model file: {@link ai.kard.core.checkpoint.CheckpointException} names the
 * file (bad input, not an internal failure). Reading and writing HuggingFace checkpoints is internal
 * ({@code ai.kard.core.internal.checkpoint}).
 */
package ai.kard.core.checkpoint;
