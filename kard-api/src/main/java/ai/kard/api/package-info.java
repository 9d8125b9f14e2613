/**
 * Kard's contracts: value types (passages, questions, rationales, predictions) and the interfaces of the
 * knowledge base, the reranker, the student and rationale sources. No DJL or Lucene type appears here.
 */
package ai.kard.api;
