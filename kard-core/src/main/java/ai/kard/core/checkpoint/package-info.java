/**
 * HuggingFace checkpoint files: {@code config.json} ({@link ai.kard.core.checkpoint.HfConfig}), memory-mapped
 * safetensors reading (single file or sharded with {@code model.safetensors.index.json}) and writing with HF tensor
 * names, and atomic file replacement. An unusable file is a {@link ai.kard.core.checkpoint.CheckpointException}
 * naming it (bad input, not an internal failure).
 */
package ai.kard.core.checkpoint;
