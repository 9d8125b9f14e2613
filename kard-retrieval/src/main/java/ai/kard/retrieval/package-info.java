/**
 * The knowledge base on Lucene: {@link ai.kard.retrieval.LuceneKnowledgeBase} builds (in parallel), opens and searches
 * a BM25 index (k1 0.9, b 0.4 by default, {@link ai.kard.retrieval.Bm25Settings}) and rescores a query against given
 * passages; {@link ai.kard.retrieval.CorpusReader} reads corpora (Kard and BEIR JSON Lines, Pyserini
 * {@code {"id","contents"}}, DPR TSV, plain text).
 */
package ai.kard.retrieval;
