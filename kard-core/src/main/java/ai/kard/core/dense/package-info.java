/**
 * Dense retrieval: {@link ai.kard.core.dense.DenseKnowledgeBase} encodes a whole corpus once with a bi-encoder and
 * answers {@link ai.kard.api.KnowledgeBase} searches by exhaustive dot product, as an alternative to BM25.
 */
package ai.kard.core.dense;
