/**
 * Knowledge-augmented reasoning distillation (the method is described in the {@link ai.kard.core} overview):
 * the prompt shared by training and inference, and the data augmentation that teaches a small student to copy
 * names from its passages.
 */
package ai.kard.core.distill;
