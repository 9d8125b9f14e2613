/**
 * HuggingFace checkpoint files: {@code config.json} ({@link ai.kard.core.internal.checkpoint.HfConfig}),
 * memory-mapped safetensors reading (single file or sharded with {@code model.safetensors.index.json}) and writing
 * with HF tensor names, and atomic file replacement. Internal: not part of the API, may change in any release.
 */
package ai.kard.core.internal.checkpoint;
