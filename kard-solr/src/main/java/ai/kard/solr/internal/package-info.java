/**
 * Implementation detail of the SolrCloud knowledge base, not for users: the configset Kard ships and names, the
 * analysis of query text into Solr's query syntax, bulk loading in batches, and retries with backoff.
 */
package ai.kard.solr.internal;
