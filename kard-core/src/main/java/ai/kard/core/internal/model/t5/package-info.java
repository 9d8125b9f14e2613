/**
 * T5 and Flan-T5 students registered as {@code t5}: the encoder-decoder with relative position buckets, HF weight
 * names, the optional copy head, the from-scratch presets ({@code scratch:t5-tiny}, {@code scratch:t5-small}) and
 * generation with an encoder-output and key/value cache.
 */
package ai.kard.core.internal.model.t5;
