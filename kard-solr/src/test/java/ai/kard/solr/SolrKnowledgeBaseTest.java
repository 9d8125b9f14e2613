package ai.kard.solr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.kard.api.InvalidInputException;
import ai.kard.api.Passage;
import ai.kard.api.ScoredPassage;
import ai.kard.retrieval.Bm25Settings;
import ai.kard.retrieval.LuceneKnowledgeBase;
import ai.kard.retrieval.ProgressListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import ai.kard.solr.internal.KardConfigSet;
import org.apache.solr.client.solrj.request.CollectionAdminRequest;
import org.apache.solr.client.solrj.request.ConfigSetAdminRequest;
import org.apache.solr.common.util.ContentStreamBase;
import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SolrKnowledgeBase on a real two-node SolrCloud (2 shards x 2 replicas) against LuceneKnowledgeBase on the same
 * passages: same top-10 and scores, score() equal to search(), the contract's edge cases, and the errors a user
 * can fix.
 */
class SolrKnowledgeBaseTest {
    static final int PASSAGES = 3000;
    static final String COLLECTION = "kard_equality";

    @TempDir
    static Path dir;
    static MiniSolrCloudCluster cluster;
    static String zk;
    static List<Passage> passages;
    static LuceneKnowledgeBase lucene;
    static SolrKnowledgeBase solr;

    @BeforeAll
    static void setUp() throws Exception {
        cluster = SolrTestCluster.start(2, dir.resolve("solr"));
        zk = SolrTestCluster.zkHost(cluster);
        passages = TestCorpus.passages(PASSAGES, 1);
        lucene = LuceneKnowledgeBase.inMemory(passages, Bm25Settings.DEFAULT);
        solr = SolrKnowledgeBase.create(zk, COLLECTION, 2, 2, Bm25Settings.DEFAULT);
        // Small batches on two threads: many update requests, in no particular order.
        long loaded = solr.load(passages, BulkLoadOptions.DEFAULT.batchSize(97).threads(2), ProgressListener.NONE);
        assertThat(loaded).isEqualTo(PASSAGES);
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (solr != null) {
            solr.close();
        }
        if (lucene != null) {
            lucene.close();
        }
        if (cluster != null) {
            cluster.shutdown();
        }
    }

    @Test
    void topTenAndScoresEqualLuceneForQuestionAndRationaleQueries() throws Exception {
        List<String> queries = TestCorpus.queries(50, 2);
        List<List<ScoredPassage>> fromSolr = solr.searchAll(queries, 10);
        int ties = 0;
        for (int q = 0; q < queries.size(); q++) {
            List<ScoredPassage> expected = lucene.search(queries.get(q), 10);
            List<ScoredPassage> actual = fromSolr.get(q);
            assertThat(ids(actual)).as("query %d: %s", q, queries.get(q)).isEqualTo(ids(expected));
            for (int i = 0; i < expected.size(); i++) {
                assertThat(actual.get(i).score()).as("query %d rank %d", q, i + 1)
                        .isCloseTo(expected.get(i).score(), within(1e-4));
                assertThat(actual.get(i).passage()).isEqualTo(expected.get(i).passage());
                if (i > 0 && expected.get(i).score() == expected.get(i - 1).score()) {
                    ties++;
                }
            }
        }
        assertThat(queries).hasSize(100);
        // The corpus is built to tie: the id tie-break was exercised, not assumed.
        assertThat(ties).isPositive();
    }

    @Test
    void topHundredEqualsLucene() throws Exception {
        for (String query : TestCorpus.queries(5, 3)) {
            assertThat(ids(solr.search(query, 100))).isEqualTo(ids(lucene.search(query, 100)));
        }
    }

    @Test
    void scoreEqualsSearchAndLucene() throws Exception {
        Random random = new Random(4);
        for (String query : TestCorpus.queries(10, 5)) {
            List<ScoredPassage> top = solr.search(query, 10);
            List<String> ids = new ArrayList<>(ids(top));
            // Plus passages that may share no term with the query (score 0) and a repeated id.
            for (int i = 0; i < 5; i++) {
                ids.add(passages.get(random.nextInt(PASSAGES)).id());
            }
            ids.add(ids.get(0));
            List<ScoredPassage> scored = solr.score(query, ids);
            assertThat(ids(scored)).isEqualTo(ids);
            for (int i = 0; i < top.size(); i++) {
                assertThat(scored.get(i).score()).isEqualTo(top.get(i).score());
            }
            List<ScoredPassage> expected = lucene.score(query, ids);
            for (int i = 0; i < ids.size(); i++) {
                assertThat(scored.get(i).score()).as(ids.get(i)).isCloseTo(expected.get(i).score(), within(1e-4));
                assertThat(scored.get(i).passage()).isEqualTo(expected.get(i).passage());
            }
        }
        assertThatThrownBy(() -> solr.score("protein", List.of(passages.get(0).id(), "no-such-id")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no-such-id");
    }

    @Test
    void passageAndSize() throws Exception {
        assertThat(solr.size()).isEqualTo(PASSAGES);
        Passage p = passages.get(1234);
        assertThat(solr.passage(p.id())).contains(p);
        assertThat(solr.passage("no-such-id")).isEmpty();
        assertThat(solr.settings()).isEqualTo(Bm25Settings.DEFAULT);
        assertThat(solr.toString()).contains(COLLECTION).contains("3000 passages").contains("k1=0.9");
    }

    @Test
    void hostileQueriesAreJustText() throws Exception {
        String w1 = TestCorpus.STEMS[1];
        String w2 = TestCorpus.STEMS[2];
        List<String> hostile = List.of("\"unbalanced quote", "title:foo AND bar:baz", "AND", "OR NOT", "NOT",
                "(a OR b", "[0 TO 9]", "{x TO y}", "*", "?", "fo*", "b?r", "\\", "\\\\\\", "a\\:b", "~2", "foo~0.8",
                "^3", "foo^", "+-&&||!", "/regex/", "//", "💥🔥 émoji ünïcödé", "\uD83D", "\u0000", "</script>",
                "{!lucene}*:*", "{!func}1", "id:doc00001", "$kard.ids", "_query_:\"{!term f=id}x\"",
                w1 + ":" + w2 + " \"" + w1 + "\"~5 (" + w2 + "*)", "a:b " + w1, "1.5e3 " + w2 + "'s");
        for (String query : hostile) {
            List<ScoredPassage> expected = lucene.search(query, 10);
            List<ScoredPassage> actual = solr.search(query, 10);
            assertThat(ids(actual)).as(query).isEqualTo(ids(expected));
            for (int i = 0; i < expected.size(); i++) {
                assertThat(actual.get(i).score()).as(query).isCloseTo(expected.get(i).score(), within(1e-4));
            }
        }
        for (String query : List.of("", "   ", "the and of a to", "!!! ??? ...", "AND OR NOT")) {
            assertThat(solr.search(query, 10)).as("'" + query + "'").isEmpty();
            assertThat(solr.score(query, List.of(passages.get(0).id()))).extracting(ScoredPassage::score)
                    .containsExactly(0.0);
        }
    }

    @Test
    void threeThousandWordQueryWorks() throws Exception {
        Random random = new Random(11);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            sb.append(TestCorpus.word(random)).append(' ');
            // Rare made-up words: well over Solr's and Lucene's 1024-clause defaults in distinct terms.
            sb.append("rare").append(random.nextInt(5000)).append(i % 17 == 16 ? ". " : " ");
        }
        String query = sb.toString();
        assertThat(new ai.kard.solr.internal.TermQueries().clauses(query)).isGreaterThan(2048);
        List<ScoredPassage> actual = solr.search(query, 10);
        List<ScoredPassage> expected = lucene.search(query, 10);
        assertThat(actual).hasSize(10);
        assertThat(ids(actual)).isEqualTo(ids(expected));
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i).score()).isCloseTo(expected.get(i).score(), within(1e-4));
        }
        assertThat(solr.score(query, ids(actual)).get(0).score()).isEqualTo(actual.get(0).score());
    }

    @Test
    void connectFindsSettingsAndRejectsWhatItCannotSearch() throws Exception {
        try (SolrKnowledgeBase again = SolrKnowledgeBase.connect(zk, COLLECTION)) {
            assertThat(again.size()).isEqualTo(PASSAGES);
            assertThat(again.settings()).isEqualTo(Bm25Settings.DEFAULT);
            String q = TestCorpus.queries(1, 9).get(0);
            assertThat(ids(again.search(q, 10))).isEqualTo(ids(solr.search(q, 10)));
        }
        assertThatThrownBy(() -> SolrKnowledgeBase.connect(zk, COLLECTION, new Bm25Settings(1.2f, 0.75f)))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("k1=0.9");
        assertThatThrownBy(() -> SolrKnowledgeBase.connect(zk, "no_such_collection"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("no collection 'no_such_collection'");
        assertThatThrownBy(() -> SolrKnowledgeBase.create(zk, COLLECTION, 1, 1, Bm25Settings.DEFAULT))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("already exists");
        // A collection on another configset is refused by name (even one with the very same files).
        ConfigSetAdminRequest.Upload upload = new ConfigSetAdminRequest.Upload();
        upload.setConfigSetName("my_config");
        upload.setUploadStream(new ContentStreamBase.ByteArrayStream(KardConfigSet.zip(Bm25Settings.DEFAULT),
                "my_config.zip", "application/zip"));
        upload.process(cluster.getSolrClient());
        CollectionAdminRequest.createCollection("not_kard", "my_config", 1, 1).process(cluster.getSolrClient());
        assertThatThrownBy(() -> SolrKnowledgeBase.connect(zk, "not_kard"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("configset 'my_config'")
                .hasMessageContaining("not Kard's");
        // Nothing listens on port 1.
        assertThatThrownBy(() -> SolrKnowledgeBase.connect("http://127.0.0.1:1/solr", COLLECTION))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("cannot reach SolrCloud");
    }

    @Test
    void loadRefusesDuplicatesAndNonEmptyCollections() throws Exception {
        assertThatThrownBy(() -> solr.load(passages.subList(0, 5), BulkLoadOptions.DEFAULT, ProgressListener.NONE))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("already holds 3000");
        try (SolrKnowledgeBase dup = SolrKnowledgeBase.create(zk, "kard_dup", 1, 1, Bm25Settings.DEFAULT)) {
            List<Passage> twice = List.of(passages.get(0), passages.get(1), passages.get(0));
            assertThatThrownBy(() -> dup.load(twice, BulkLoadOptions.DEFAULT, ProgressListener.NONE))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate passage id");
        }
    }

    static List<String> ids(List<ScoredPassage> results) {
        return results.stream().map(ScoredPassage::id).toList();
    }
}
