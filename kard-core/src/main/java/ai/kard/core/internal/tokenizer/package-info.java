/** Text to token ids and back through HuggingFace {@code tokenizer.json} files (DJL's tokenizers binding). */
package ai.kard.core.internal.tokenizer;
