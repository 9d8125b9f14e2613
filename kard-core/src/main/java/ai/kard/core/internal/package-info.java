/**
 * Implementation detail of kard-core: the model architectures, checkpoint files, tokenizer, sampling, training loop
 * and JSON Lines plumbing. Nothing under {@code ai.kard.core.internal} is API: it may change in any release, and
 * the command line and the example mains do not use it.
 */
package ai.kard.core.internal;
