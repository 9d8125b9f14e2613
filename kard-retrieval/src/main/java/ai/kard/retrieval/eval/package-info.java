/** Retrieval evaluation: query files, TREC/BEIR qrels, nDCG@10 and Recall@k over a knowledge base. */
package ai.kard.retrieval.eval;
