/**
 * Llama-family decoders registered as {@code llama}, {@code mistral} and {@code qwen2} (Llama 2/3, SmolLM, Mistral,
 * Qwen2/2.5), and the from-scratch presets ({@code scratch:llama-tiny}).
 */
package ai.kard.core.internal.model.llama;
