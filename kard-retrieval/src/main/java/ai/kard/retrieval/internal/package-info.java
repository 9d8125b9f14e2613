/** Implementation detail of the Lucene knowledge base (analyzers, fields, index metadata, parsers): not API. */
package ai.kard.retrieval.internal;
