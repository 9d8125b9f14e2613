/**
 * Knowledge-augmented reasoning distillation (method.md sections 2, 3 and 5): the prompt shared by training
 * and inference, and the data augmentation that teaches a small student to copy names from its passages.
 */
package ai.kard.core.distill;
