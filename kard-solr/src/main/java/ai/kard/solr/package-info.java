/**
 * The knowledge base on SolrCloud: {@link ai.kard.solr.SolrKnowledgeBase}, the same contract, analysis and BM25
 * scores as {@code ai.kard.retrieval.LuceneKnowledgeBase}, on a collection that may span many shards and nodes.
 */
package ai.kard.solr;
