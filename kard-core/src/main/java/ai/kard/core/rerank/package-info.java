/**
 * KARD's reranker: a late-interaction (ColBERT-style) or bi-encoder scorer on a BERT-family encoder
 * ({@link ai.kard.core.rerank.LateInteractionScorer}), trained by {@link ai.kard.core.rerank.RerankerTraining} to
 * rank a question's BM25 candidates as BM25 ranks them for the teacher's rationale (the method is described in
 * the {@link ai.kard.core} package overview), and used at inference as an {@link ai.kard.api.Reranker}
 * ({@link ai.kard.core.rerank.LateInteractionReranker}). Also the candidate mining and its disk cache, and the
 * evaluation figures (Hits@k against BM25).
 */
package ai.kard.core.rerank;
