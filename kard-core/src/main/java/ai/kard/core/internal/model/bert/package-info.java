/**
 * BERT-family encoders (BERT, MiniLM, LinkBERT) for the reranker and dense retrieval: HF weights by explicit tensor
 * names, the word-piece tokenizers, and the from-scratch presets ({@code scratch:bert-tiny}, {@code scratch:bert-mini}).
 */
package ai.kard.core.internal.model.bert;
