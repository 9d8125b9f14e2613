package ai.kard.examples.cli;

import ai.kard.api.InvalidSettingException;
import ai.kard.solr.LocalSolrCloud;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.lucene.util.IOUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kard solr-local}: a SolrCloud on loopback in this JVM, for trying the Solr backend. */
@Command(name = "solr-local", mixinStandardHelpOptions = true,
        description = "Start a local SolrCloud (an embedded ZooKeeper and N Solr nodes in this JVM, on 127.0.0.1),"
                + " print zk=HOST:PORT once it answers, and run until killed. For trying --solr; production users"
                + " point Kard at their own cluster.")
final class SolrLocalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--nodes", required = true, paramLabel = "N", description = "Solr nodes")
    int nodes;

    @Option(names = "--port", defaultValue = "0", paramLabel = "P",
            description = "ZooKeeper's port; the nodes take P+1..P+N (default: free ports)")
    int port;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "where ZooKeeper and the nodes keep their data (default: a temporary folder deleted at exit);"
                    + " with the same --port, a later run brings the same collections back")
    Path dir;

    @Override
    public Integer call() throws Exception {
        if (nodes < 1) {
            throw new InvalidSettingException("--nodes must be at least 1, got " + nodes);
        }
        if (port < 0 || port + nodes > 65535) {
            throw new InvalidSettingException("--port " + port + " leaves no room for " + nodes + " nodes after it");
        }
        Path home = dir != null ? dir : Files.createTempDirectory("kard-solr-local-");
        Files.createDirectories(home);
        LocalSolrCloud cloud = LocalSolrCloud.start(nodes, port, home);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                cloud.close();
                if (dir == null) {
                    IOUtils.rm(home);
                }
            } catch (Exception e) {
                System.err.println("kard solr-local: stopping: " + e);
            } finally {
                stopped.countDown();
            }
        }, "kard-solr-local-stop"));
        PrintWriter out = spec.commandLine().getOut();
        out.println("zk=" + cloud.zkHost());
        out.flush();
        System.err.println("kard solr-local: " + nodes + " node(s) at " + cloud.nodeUrls() + ", data in " + home
                + "; try: kard index --solr " + cloud.zkHost() + " --collection NAME --corpus FILE; Ctrl-C stops it");
        stopped.await(); // until killed
        return KardCli.OK;
    }
}
