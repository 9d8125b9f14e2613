package ai.kard.bench;

import ai.kard.api.ScoredPassage;
import ai.kard.retrieval.Bm25Settings;
import ai.kard.retrieval.CorpusFormat;
import ai.kard.retrieval.LuceneKnowledgeBase;
import ai.kard.retrieval.ProgressListener;
import ai.kard.retrieval.eval.Qrels;
import ai.kard.retrieval.eval.QueryFile;
import ai.kard.retrieval.eval.RetrievalEvaluation;
import ai.kard.solr.BulkLoadOptions;
import ai.kard.solr.LocalSolrCloud;
import ai.kard.solr.SolrKnowledgeBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.lucene.util.IOUtils;

/**
 * A BEIR data set through a SolrCloud collection and through a Lucene index built from the same corpus: nDCG@10
 * and Recall@100 of each, the fraction of judged queries whose top-10 (and top-100) ids are identical, and the
 * largest score difference seen. Solr: a {@link LocalSolrCloud} of {@code --nodes} nodes in this JVM, one
 * collection of {@code --shards} shards x 1 replica.
 *
 * <pre>./bench SolrParity [--data ../shared/data/scifact] [--split test] [--shards 2] [--nodes 2]</pre>
 */
public final class SolrParity {
    private SolrParity() {
    }

    public static void main(String[] args) throws Exception {
        Path data = Path.of("../shared/data/scifact");
        String split = "test";
        int shards = 2;
        int nodes = 2;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--data" -> data = Path.of(args[++i]);
                case "--split" -> split = args[++i];
                case "--shards" -> shards = Integer.parseInt(args[++i]);
                case "--nodes" -> nodes = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: ./bench SolrParity [--data DIR] [--split test] [--shards N] [--nodes N]");
                    System.exit(2);
                }
            }
        }
        Path corpus = data.resolve("corpus.jsonl");
        Path queryFile = data.resolve("queries.jsonl");
        Path qrelsFile = data.resolve("qrels").resolve(split + ".tsv");
        for (Path p : List.of(corpus, queryFile, qrelsFile)) {
            if (!Files.isRegularFile(p)) {
                System.err.println("SolrParity: " + p + " is missing (a BEIR folder: corpus.jsonl, queries.jsonl,"
                        + " qrels/<split>.tsv)");
                System.exit(2);
            }
        }
        Map<String, String> texts = QueryFile.read(queryFile);
        Qrels qrels = Qrels.read(qrelsFile);
        List<String> judged = new ArrayList<>();
        for (String id : texts.keySet()) {
            Map<String, Integer> j = qrels.of(id);
            if (j != null && !j.isEmpty()) {
                judged.add(texts.get(id));
            }
        }
        Path work = Files.createTempDirectory("kard-solr-parity-");
        try (LuceneKnowledgeBase lucene = LuceneKnowledgeBase.build(List.of(corpus), work.resolve("index"),
                Bm25Settings.DEFAULT, 2, ProgressListener.NONE);
             LocalSolrCloud cloud = LocalSolrCloud.start(nodes, 0, work.resolve("solr"));
             SolrKnowledgeBase solr = SolrKnowledgeBase.build(cloud.zkHost(), "parity", shards, 1,
                     Bm25Settings.DEFAULT, List.of(corpus), CorpusFormat.AUTO, BulkLoadOptions.DEFAULT,
                     ProgressListener.NONE)) {
            RetrievalEvaluation l = RetrievalEvaluation.run(lucene, texts, qrels, 100, queryFile);
            RetrievalEvaluation s = RetrievalEvaluation.run(solr, texts, qrels, 100, queryFile);
            List<List<ScoredPassage>> lr = lucene.searchAll(judged, 100, 2);
            List<List<ScoredPassage>> sr = solr.searchAll(judged, 100, 2);
            int same10 = 0;
            int same100 = 0;
            double maxDiff = 0;
            for (int q = 0; q < judged.size(); q++) {
                same10 += ids(lr.get(q), 10).equals(ids(sr.get(q), 10)) ? 1 : 0;
                same100 += ids(lr.get(q), 100).equals(ids(sr.get(q), 100)) ? 1 : 0;
                for (int i = 0; i < Math.min(lr.get(q).size(), sr.get(q).size()); i++) {
                    maxDiff = Math.max(maxDiff, Math.abs(lr.get(q).get(i).score() - sr.get(q).get(i).score()));
                }
            }
            System.out.printf("%nSolrParity: %s (%,d passages), %d judged %s queries; Lucene index vs SolrCloud"
                            + " collection of %d shards on %d nodes, %s%n", data, lucene.size(), judged.size(), split,
                    shards, nodes, Bm25Settings.DEFAULT);
            System.out.println("| | nDCG@10 | Recall@100 |");
            System.out.println("|---|---|---|");
            System.out.printf("| Lucene | %.4f | %.4f |%n", l.ndcg10(), l.recall100());
            System.out.printf("| SolrCloud, %d shards | %.4f | %.4f |%n", shards, s.ndcg10(), s.recall100());
            System.out.printf("identical top-10 ids: %d/%d (%.4f); identical top-100 ids: %d/%d (%.4f);"
                            + " largest score difference %.2e%n", same10, judged.size(), same10 / (double) judged.size(),
                    same100, judged.size(), same100 / (double) judged.size(), maxDiff);
        } finally {
            IOUtils.rm(work);
        }
    }

    private static List<String> ids(List<ScoredPassage> results, int k) {
        return results.stream().limit(k).map(ScoredPassage::id).toList();
    }
}
