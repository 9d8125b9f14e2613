/** GPT-2 decoders ({@code model_type} gpt2), from {@code GPT2LMHeadModel} or bare {@code GPT2Model} checkpoints. */
package ai.kard.core.internal.model.gpt2;
