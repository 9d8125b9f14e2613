package ai.kard.examples.cli;

import ai.kard.api.InvalidSettingException;
import ai.kard.api.Passage;
import ai.kard.api.ScoredPassage;
import ai.kard.core.dense.DenseKnowledgeBase;
import ai.kard.core.rerank.LateInteractionReranker;
import ai.kard.core.rerank.LateInteractionScorer;
import ai.kard.core.rerank.ScoringMode;
import ai.kard.api.KnowledgeBase;
import ai.kard.retrieval.LuceneKnowledgeBase;
import ai.kard.retrieval.eval.QueryFile;
import ai.kard.retrieval.eval.Qrels;
import ai.kard.retrieval.eval.RetrievalEvaluation;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kard eval-retrieval}: nDCG@10 and recall on BEIR-layout queries and qrels, of BM25 (the index), or with
 * {@code --encoder} of dense retrieval over the whole corpus (bi-encoder) or of BM25's top candidates reranked by
 * the encoder. The encoder reads title + " " + text of each passage.
 */
@Command(name = "eval-retrieval", mixinStandardHelpOptions = true,
        description = "Evaluate retrieval on BEIR-layout queries (queries.jsonl: _id, text) and qrels "
                + "(TSV: query-id corpus-id score): BM25, or with --encoder dense retrieval or BM25 reranked. "
                + "Only judged queries are asked. Last line: ndcg@10=<x> recall@100=<y>.")
final class EvalRetrievalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--index", paramLabel = "DIR", description = "Lucene index (or --solr/--collection)")
    Path index;

    @Mixin
    SolrOptions knowledgeBase;

    @Option(names = "--queries", required = true, paramLabel = "FILE")
    Path queries;

    @Option(names = "--qrels", required = true, paramLabel = "FILE")
    Path qrels;

    @Option(names = "--top", defaultValue = "100", paramLabel = "K",
            description = "passages retrieved per query, at least 100 (default: ${DEFAULT-VALUE})")
    int top;

    @Option(names = "--encoder", paramLabel = "DIR", description = "a pretrained encoder (HF folder or hub id, used"
            + " zero-shot) or a train-reranker folder")
    String encoder;

    @Option(names = "--mode", paramLabel = "dense|rerank", description = "with --encoder: dense = exhaustive dense"
            + " search of the whole corpus (bi-encoder); rerank = BM25 top --top reranked (default: dense)")
    String mode;

    @Option(names = "--scoring", paramLabel = "late|bi", description = "with --mode rerank: late interaction or"
            + " bi-encoder (default: a reranker folder's own, else bi)")
    String scoring;

    @Option(names = "--passage-vectors", paramLabel = "FILE", description = "with the bi-encoder (dense, or rerank"
            + " --scoring bi): the corpus's passage vectors, read when FILE exists, else encoded and written there")
    Path passageVectors;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu or gpu:N (default: ${DEFAULT-VALUE})")
    String device;

    @Override
    public Integer call() throws Exception {
        if (top < 100) {
            throw new InvalidSettingException("--top must be at least 100 (Recall@100 needs it), got " + top);
        }
        if (encoder == null && (mode != null || scoring != null)) {
            throw new InvalidSettingException((mode != null ? "--mode " + mode : "--scoring " + scoring)
                    + " needs --encoder DIR");
        }
        boolean dense = mode == null || mode.equals("dense");
        if (mode != null && !mode.equals("dense") && !mode.equals("rerank")) {
            throw new InvalidSettingException("--mode " + mode + ": expected dense or rerank");
        }
        ScoringMode scoringMode = Encoders.mode("--scoring", scoring);
        if (dense && scoringMode == ScoringMode.LATE_INTERACTION) {
            throw new InvalidSettingException("--scoring late: dense retrieval needs the bi-encoder (--scoring bi)");
        }
        Qrels judgements = Qrels.read(qrels);
        Map<String, String> texts = QueryFile.read(queries);
        PrintWriter out = spec.commandLine().getOut();
        knowledgeBase.check(index, true);
        if (knowledgeBase.given() && encoder != null && (dense || passageVectors != null)) {
            throw new InvalidSettingException((dense ? "--mode dense" : "--passage-vectors")
                    + " reads the whole corpus from a Lucene index: give --index DIR (with --solr: --mode rerank)");
        }
        try (KnowledgeBase kb = knowledgeBase.open(index, true)) {
            out.printf("%s%n", SolrOptions.describe(kb));
            out.flush();
            long start = System.nanoTime();
            RetrievalEvaluation e;
            if (encoder == null) {
                e = RetrievalEvaluation.run(kb, texts, judgements, top, queries);
            } else {
                ScoringMode resolved = scoringMode != null ? scoringMode : dense ? ScoringMode.BI_ENCODER : null;
                try (LateInteractionScorer scorer = Encoders.open(encoder, resolved, device)) {
                    out.printf(Locale.ROOT, "encoder %s: %s, %s%n", encoder, dense ? "dense over the whole corpus"
                            : "BM25 top " + top + " reranked", scorer.settings());
                    out.flush();
                    boolean biEncoder = scorer.settings().mode() == ScoringMode.BI_ENCODER;
                    if (dense && !biEncoder) {
                        throw new InvalidSettingException("--encoder " + encoder + " is a late-interaction"
                                + " reranker: dense retrieval needs a bi-encoder");
                    }
                    if (passageVectors != null && !biEncoder) {
                        throw new InvalidSettingException("--passage-vectors " + passageVectors
                                + " holds bi-encoder vectors: it goes with --mode dense or --scoring bi");
                    }
                    if (dense || passageVectors != null) {
                        DenseKnowledgeBase denseKb = denseIndex((LuceneKnowledgeBase) kb, scorer, out);
                        out.printf(Locale.ROOT, "passage vectors of %d passages ready in %.1f s%n", denseKb.size(),
                                (System.nanoTime() - start) / 1e9);
                        e = dense ? RetrievalEvaluation.run(denseKb, texts, judgements, top, queries)
                                : RetrievalEvaluation.run((list, k) -> rerankBm25(kb, denseKb, list, k), texts,
                                        judgements, top, queries);
                    } else {
                        // No cache (each passage is encoded once anyway); its only resource is the scorer, closed above.
                        LateInteractionReranker reranker = new LateInteractionReranker(scorer, 0);
                        e = RetrievalEvaluation.run((list, k) -> rerankBm25(kb, reranker, list, k), texts,
                                judgements, top, queries);
                    }
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            out.printf(Locale.ROOT, "queries %d (judged), top %d, %.1f s%n", e.queries(), top, seconds);
            out.printf(Locale.ROOT, "nDCG@10    %.4f%n", e.ndcg10());
            out.printf(Locale.ROOT, "Recall@1   %.4f%n", e.recall1());
            out.printf(Locale.ROOT, "Recall@10  %.4f%n", e.recall10());
            out.printf(Locale.ROOT, "Recall@100 %.4f%n", e.recall100());
            if (top != 100) {
                out.printf(Locale.ROOT, "Recall@%d %.4f%n", top, e.recallTop());
            }
            out.printf(Locale.ROOT, "ndcg@10=%.4f recall@100=%.4f%n", e.ndcg10(), e.recall100());
        }
        return KardCli.OK;
    }

    /** The dense index of the whole corpus: read from --passage-vectors when it exists, else encoded (and saved). */
    private DenseKnowledgeBase denseIndex(LuceneKnowledgeBase kb, LateInteractionScorer scorer, PrintWriter out)
            throws IOException {
        if (passageVectors != null && java.nio.file.Files.exists(passageVectors)) {
            try {
                return DenseKnowledgeBase.load(scorer, kb.passages(), passageVectors);
            } catch (ai.kard.core.checkpoint.CheckpointException e) {
                throw new ai.kard.api.InvalidInputException("--passage-vectors " + e.getMessage());
            }
        }
        DenseKnowledgeBase built = DenseKnowledgeBase.build(scorer, kb.passages());
        if (passageVectors != null) {
            built.save(passageVectors);
            out.printf(Locale.ROOT, "passage vectors written to %s%n", passageVectors);
        }
        return built;
    }

    /** BM25's top k of every query, reranked by the bi-encoder's dot product with precomputed passage vectors. */
    private static List<List<ScoredPassage>> rerankBm25(KnowledgeBase kb, DenseKnowledgeBase dense,
            List<String> queryTexts, int k) throws IOException {
        List<List<ScoredPassage>> bm25 = kb.searchAll(queryTexts, k);
        List<List<ScoredPassage>> reranked = new ArrayList<>(bm25.size());
        for (int q = 0; q < bm25.size(); q++) {
            List<ScoredPassage> list = new ArrayList<>(dense.score(queryTexts.get(q),
                    bm25.get(q).stream().map(ScoredPassage::id).toList()));
            list.sort(ScoredPassage.BEST_FIRST);
            reranked.add(list);
        }
        return reranked;
    }

    /**
     * BM25's top k of every query, reranked (each distinct candidate encoded once; the encoder reads title + " " +
     * text, as in dense mode).
     */
    private static List<List<ScoredPassage>> rerankBm25(KnowledgeBase kb, LateInteractionReranker reranker,
            List<String> queryTexts, int k) throws IOException {
        List<List<ScoredPassage>> bm25 = kb.searchAll(queryTexts, k);
        List<List<Passage>> candidates = new ArrayList<>(bm25.size());
        for (List<ScoredPassage> list : bm25) {
            candidates.add(list.stream().map(s -> new Passage(s.id(), "", DenseKnowledgeBase.encoderText(
                    s.passage()))).toList());
        }
        List<float[]> scores = reranker.scoreAll(queryTexts, candidates);
        List<List<ScoredPassage>> reranked = new ArrayList<>(bm25.size());
        for (int q = 0; q < bm25.size(); q++) {
            List<ScoredPassage> list = new ArrayList<>();
            for (int i = 0; i < bm25.get(q).size(); i++) {
                list.add(new ScoredPassage(bm25.get(q).get(i).passage(), scores.get(q)[i]));
            }
            list.sort(ScoredPassage.BEST_FIRST);
            reranked.add(list);
        }
        return reranked;
    }
}
