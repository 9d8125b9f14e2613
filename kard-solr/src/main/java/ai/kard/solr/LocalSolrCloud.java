package ai.kard.solr;

import ai.kard.api.Experimental;
import ai.kard.api.InvalidSettingException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.apache.solr.cloud.ZkTestServer;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * A SolrCloud on loopback inside this JVM, for trying the Solr backend and for benchmarks: an embedded ZooKeeper
 * and {@code nodes} real Solr nodes (Solr's {@code JettySolrRunner}, each with its own Solr home under
 * {@code dir}). Not for production: point Kard at your own cluster there.
 *
 * <p>Needs {@code solr-core} and {@code solr-test-framework} on the class path (optional dependencies of
 * kard-solr; the {@code kard} command line has them). ZooKeeper has no chroot, so {@link #zkHost()} is plain
 * {@code 127.0.0.1:PORT}. With a fixed {@code zkPort} the nodes listen on the ports after it, so the same
 * {@code dir} and port bring the same cluster, collections included, back up.
 */
@Experimental
public final class LocalSolrCloud implements AutoCloseable {
    private final ZkTestServer zk;
    private final List<JettySolrRunner> nodes = new ArrayList<>();

    private LocalSolrCloud(ZkTestServer zk) {
        this.zk = zk;
    }

    /**
     * Starts ZooKeeper and the nodes, and returns once every node is live.
     *
     * @param zkPort ZooKeeper's port, or 0 for any free one (the nodes then take free ports too)
     * @param nodes the number of Solr nodes
     * @param dir the working folder (ZooKeeper data, node homes)
     * @return the running cluster; close it to stop it
     * @throws Exception when ZooKeeper or a node does not start or stop
     */
    public static LocalSolrCloud start(int nodes, int zkPort, Path dir) throws Exception {
        if (nodes < 1) {
            throw new InvalidSettingException("nodes must be at least 1, got " + nodes);
        }
        if (zkPort < 0 || zkPort + nodes > 65535) {
            throw new InvalidSettingException("port " + zkPort + " leaves no room for " + nodes + " nodes after it");
        }
        // Rationale-length queries have thousands of distinct terms: lift the node-wide clause limit.
        System.setProperty("solr.max.booleanClauses", System.getProperty("solr.max.booleanClauses", "1000000"));
        ZkTestServer zk = new ZkTestServer(dir.resolve("zookeeper"), zkPort);
        zk.run(false);
        LocalSolrCloud cloud = new LocalSolrCloud(zk);
        try {
            String solrXml = MiniSolrCloudCluster.DEFAULT_CLOUD_SOLR_XML.replace("<solr>",
                    "<solr>\n  <int name=\"maxBooleanClauses\">${solr.max.booleanClauses:1000000}</int>");
            for (int i = 1; i <= nodes; i++) {
                Path home = dir.resolve("node" + i);
                Files.createDirectories(home);
                Files.writeString(home.resolve("solr.xml"), solrXml);
                Properties props = new Properties();
                props.setProperty("zkHost", zk.getZkHost());
                JettySolrRunner node = new JettySolrRunner(home.toString(), props,
                        JettyConfig.builder().setPort(zkPort == 0 ? 0 : zkPort + i).setContext("/solr").build());
                node.start();
                cloud.nodes.add(node);
            }
            cloud.awaitLiveNodes(nodes, 60);
            return cloud;
        } catch (Exception e) {
            try {
                cloud.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * ZooKeeper's connect string, {@code 127.0.0.1:PORT}: what {@code --solr} takes.
     *
     * @return the connect string
     */
    public String zkHost() {
        return zk.getZkHost();
    }

    /**
     * The nodes' base URLs ({@code http://127.0.0.1:PORT/solr}).
     *
     * @return the URLs
     */
    public List<String> nodeUrls() {
        return nodes.stream().map(n -> n.getBaseUrl().toString()).toList();
    }

    /**
     * Stops node {@code index} (0-based), as a crash or a shutdown of one machine would.
     *
     * @param index the 0-based node index
     * @throws Exception when ZooKeeper or a node does not start or stop
     */
    public void stopNode(int index) throws Exception {
        nodes.get(index).stop();
    }

    private void awaitLiveNodes(int expected, int seconds) throws Exception {
        try (CloudSolrClient client = new CloudSolrClient.Builder(List.of(zkHost()), java.util.Optional.empty())
                .build()) {
            client.connect(seconds, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (client.getClusterStateProvider().getLiveNodes().size() < expected) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("only " + client.getClusterStateProvider().getLiveNodes().size() + " of "
                            + expected + " Solr nodes came up in " + seconds + " s");
                }
                Thread.sleep(100);
            }
        }
    }

    @Override
    public void close() throws Exception {
        Exception first = null;
        for (JettySolrRunner node : nodes) {
            try {
                if (node.isRunning()) {
                    node.stop();
                }
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        try {
            zk.shutdown();
        } catch (IOException | InterruptedException e) {
            if (first == null) {
                first = e;
            } else {
                first.addSuppressed(e);
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
