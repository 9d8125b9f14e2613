package ai.kard.solr;

import java.nio.file.Path;
import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.apache.solr.embedded.JettyConfig;

/**
 * A real SolrCloud in the test JVM (Solr's {@link MiniSolrCloudCluster}: an embedded ZooKeeper and Jetty-run
 * Solr nodes on loopback), with a node-wide clause limit that lets rationale-length queries through.
 */
final class SolrTestCluster {
    private SolrTestCluster() {
    }

    static MiniSolrCloudCluster start(int nodes, Path dir) throws Exception {
        System.setProperty("solr.max.booleanClauses", "1000000");
        System.setProperty("jetty.testMode", "true");
        String solrXml = MiniSolrCloudCluster.DEFAULT_CLOUD_SOLR_XML.replace("<solr>",
                "<solr>\n  <int name=\"maxBooleanClauses\">${solr.max.booleanClauses:1000000}</int>");
        return new MiniSolrCloudCluster(nodes, dir, solrXml, JettyConfig.builder().build());
    }

    static String zkHost(MiniSolrCloudCluster cluster) {
        return cluster.getZkServer().getZkAddress();
    }
}
