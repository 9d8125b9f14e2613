/**
 * Pieces shared by the decoder-only students: {@link ai.kard.core.internal.model.common.CausalLanguageModel} (causal-LM
 * loss over prompt + target, left-padded batched generation with a growing key/value cache, HF-layout saving),
 * the NDArray ops (RMSNorm, LayerNorm, split-half RoPE, grouped-query causal attention), and the parameter block.
 */
package ai.kard.core.internal.model.common;
