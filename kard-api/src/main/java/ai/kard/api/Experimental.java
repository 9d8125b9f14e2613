package ai.kard.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks API that may change incompatibly in a minor release: it works and is tested, but its shape is not settled.
 * Today: the dense knowledge base ({@code ai.kard.core.dense.DenseKnowledgeBase}) and the SolrCloud knowledge base
 * ({@code ai.kard.solr}: {@code SolrKnowledgeBase}, {@code LocalSolrCloud}, {@code BulkLoadOptions}).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.FIELD})
public @interface Experimental {
}
