package ai.kard.examples.cli;

import ai.kard.api.InvalidSettingException;
import ai.kard.api.KnowledgeBase;
import ai.kard.retrieval.LuceneKnowledgeBase;
import ai.kard.solr.SolrKnowledgeBase;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --solr ZK_OR_URL --collection NAME}: the SolrCloud knowledge base, accepted by every command that takes
 * {@code --index DIR} (a picocli mixin). Exactly one of the two is used.
 */
final class SolrOptions {
    @Option(names = "--solr", paramLabel = "ZK_OR_URL", description = "instead of --index: a SolrCloud knowledge base,"
            + " by ZooKeeper (host:port[,host:port][/chroot]) or Solr URL (http://host:8983/solr); with --collection")
    String solr;

    @Option(names = "--collection", paramLabel = "NAME", description = "with --solr: the collection (made by"
            + " kard index --solr)")
    String collection;

    /** Whether --solr or --collection was given. */
    boolean given() {
        return solr != null || collection != null;
    }

    /** Checks the combination with {@code --index}; {@code required}: one of the two must be there. */
    void check(Path index, boolean required) {
        if (given() && (solr == null || collection == null)) {
            throw new InvalidSettingException(solr == null ? "--collection " + collection + " needs --solr ZK_OR_URL"
                    : "--solr " + solr + " needs --collection NAME");
        }
        if (given() && index != null) {
            throw new InvalidSettingException("give --index DIR or --solr ZK_OR_URL --collection NAME, not both");
        }
        if (required && !given() && index == null) {
            throw new InvalidSettingException("give --index DIR (a Lucene index) or --solr ZK_OR_URL --collection NAME");
        }
    }

    /** Opens the knowledge base given, or returns null when neither was (and none is required). */
    KnowledgeBase open(Path index, boolean required) throws IOException {
        check(index, required);
        if (given()) {
            return SolrKnowledgeBase.connect(solr, collection);
        }
        return index == null ? null : LuceneKnowledgeBase.open(index);
    }

    /** What a command prints about the knowledge base. */
    static String describe(KnowledgeBase kb) {
        if (kb instanceof SolrKnowledgeBase s) {
            return "collection " + s.collection() + " on " + s.cluster() + ": " + s.size() + " passages, " + s.settings();
        }
        if (kb instanceof LuceneKnowledgeBase l) {
            return "index " + l.indexDir().map(Path::toString).orElse("in memory") + ": " + l.size() + " passages, "
                    + l.settings();
        }
        return kb + ": " + kb.size() + " passages";
    }

    /** Where the knowledge base is, for provenance. */
    String location(Path index) {
        return given() ? "solr:" + solr + "#" + collection : index.toAbsolutePath().toString();
    }
}
