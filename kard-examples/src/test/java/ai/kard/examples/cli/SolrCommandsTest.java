package ai.kard.examples.cli;

import static ai.kard.examples.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import ai.kard.examples.cli.CliRun.Result;
import ai.kard.retrieval.Bm25Settings;
import ai.kard.solr.LocalSolrCloud;
import ai.kard.solr.SolrKnowledgeBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.solr.client.solrj.impl.CloudSolrClient;
import org.apache.solr.client.solrj.request.CollectionAdminRequest;
import org.apache.solr.client.solrj.request.ConfigSetAdminRequest;
import org.apache.solr.common.util.ContentStreamBase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --solr/--collection} on the command line, against a one-node {@link LocalSolrCloud}. */
class SolrCommandsTest {
    private static final String CORPUS = """
            {"id": "d1", "title": "Apples", "text": "Red apples are sweet and crunchy."}
            {"id": "d2", "title": "", "text": "Green apples are sour."}
            {"id": "d3", "title": "Sky", "text": "The sky is blue because of Rayleigh scattering."}
            {"id": "d4", "title": "Sea", "text": "The sea looks blue: water absorbs red light."}
            """;

    @TempDir
    static Path tmp;
    static LocalSolrCloud cloud;
    static String zk;
    static Path corpus;
    static Path index;

    @BeforeAll
    static void setUp() throws Exception {
        cloud = LocalSolrCloud.start(1, 0, tmp.resolve("solr"));
        zk = cloud.zkHost();
        corpus = Files.writeString(tmp.resolve("corpus.jsonl"), CORPUS);
        index = tmp.resolve("index");
        Result lucene = run("index", "--corpus", corpus.toString(), "--index", index.toString(), "--threads", "1");
        assertThat(lucene.code()).as(lucene.err()).isZero();
        Result solr = run("index", "--corpus", corpus.toString(), "--solr", zk, "--collection", "cli", "--shards", "2",
                "--replicas", "1");
        assertThat(solr.code()).as(solr.err()).isZero();
        assertThat(solr.out()).contains("indexed 4 passages into collection cli", "(2 shards x 1 replicas)",
                "BM25(k1=0.9,b=0.4)");
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (cloud != null) {
            cloud.close();
        }
    }

    @Test
    void searchAndEvalRetrievalPrintWhatTheLuceneIndexPrints() throws Exception {
        for (String query : List.of("why is the sky \"blue\"? (AND:*)", "red apples", "blue light of the sea")) {
            Result lucene = run("search", "--index", index.toString(), "--query", query, "--json");
            Result solr = run("search", "--solr", zk, "--collection", "cli", "--query", query, "--json");
            assertThat(solr.code()).as(solr.err()).isZero();
            assertThat(solr.out()).isNotBlank().isEqualTo(lucene.out());
        }
        Path queries = Files.writeString(tmp.resolve("queries.jsonl"), "{\"_id\": \"q1\", \"text\": \"sweet red"
                + " apples\"}\n{\"_id\": \"q2\", \"text\": \"blue water\"}\n");
        Path qrels = Files.writeString(tmp.resolve("qrels.tsv"), "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td4\t1\n");
        Result lucene = run("eval-retrieval", "--index", index.toString(), "--queries", queries.toString(), "--qrels",
                qrels.toString());
        Result solr = run("eval-retrieval", "--solr", zk, "--collection", "cli", "--queries", queries.toString(),
                "--qrels", qrels.toString());
        assertThat(solr.code()).as(solr.err()).isZero();
        assertThat(solr.out()).startsWith("collection cli on " + zk + ": 4 passages, BM25(k1=0.9,b=0.4)");
        assertThat(solr.lastLine()).startsWith("ndcg@10=").isEqualTo(lucene.lastLine());
    }

    @Test
    void whatCannotBeSearchedExitsTwoWithOneLine() throws Exception {
        assertBadInput(run("search", "--solr", zk, "--collection", "missing", "--query", "sky"),
                "no collection 'missing'");
        assertBadInput(run("search", "--solr", "127.0.0.1:1", "--collection", "cli", "--query", "sky"),
                "cannot reach SolrCloud at 127.0.0.1:1");
        assertBadInput(run("search", "--solr", "http://127.0.0.1:1/solr", "--collection", "cli", "--query", "sky"),
                "cannot reach SolrCloud at http://127.0.0.1:1/solr");
        assertBadInput(run("search", "--solr", zk, "--query", "sky"), "--solr " + zk + " needs --collection");
        assertBadInput(run("search", "--solr", zk, "--collection", "cli", "--index", index.toString(), "--query",
                "sky"), "not both");
        assertBadInput(run("search", "--query", "sky"), "give --index DIR");
        assertBadInput(run("index", "--corpus", corpus.toString(), "--solr", zk, "--collection", "cli"),
                "already exists");
        assertBadInput(run("index", "--corpus", corpus.toString(), "--index", tmp.resolve("x").toString(),
                "--shards", "2"), "--shards goes with --solr");
        // A collection on a configset that is not Kard's.
        try (CloudSolrClient client = new CloudSolrClient.Builder(List.of(zk), java.util.Optional.empty()).build()) {
            ConfigSetAdminRequest.Upload upload = new ConfigSetAdminRequest.Upload();
            upload.setConfigSetName("someone_elses");
            upload.setUploadStream(new ContentStreamBase.ByteArrayStream(
                    ai.kard.solr.internal.KardConfigSet.zip(Bm25Settings.DEFAULT), "c.zip", "application/zip"));
            upload.process(client);
            CollectionAdminRequest.createCollection("foreign", "someone_elses", 1, 1).process(client);
        }
        assertBadInput(run("search", "--solr", zk, "--collection", "foreign", "--query", "sky"),
                "configset 'someone_elses'", "not Kard's");
        Path data = tmp.resolve("data");
        CliRun.tinyBenchmark(data, 8);
        assertBadInput(run("distill", "--student", "scratch:t5-tiny", "--questions", data.resolve("train.jsonl")
                .toString(), "--rationales", data.resolve("rationales-train.jsonl").toString(), "--out",
                tmp.resolve("m").toString(), "--solr", zk, "--collection", "foreign"), "not Kard's");
    }

    @Test
    void aFailedLoadLeavesNoCollection() throws Exception {
        Path bad = Files.writeString(tmp.resolve("bad.jsonl"), CORPUS + "{\"id\": \"d5\"}\n");
        assertBadInput(run("index", "--corpus", bad.toString(), "--solr", zk, "--collection", "half"),
                "bad.jsonl:5", "missing field 'text'");
        assertBadInput(run("search", "--solr", zk, "--collection", "half", "--query", "sky"), "no collection 'half'");
        Path dup = Files.writeString(tmp.resolve("dup.jsonl"), CORPUS + "{\"id\": \"d1\", \"text\": \"again\"}\n");
        assertBadInput(run("index", "--corpus", dup.toString(), "--solr", zk, "--collection", "dup"),
                "dup.jsonl:5", "duplicate passage id 'd1'");
        assertThat(SolrKnowledgeBase.delete(zk, "dup")).isFalse();
    }

    private static void assertBadInput(Result r, String... fragments) {
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(KardCli.BAD_INPUT);
        assertThat(r.err().strip()).doesNotContain("\n").contains(fragments);
    }
}
