package ai.kard.examples.cli;

import ai.kard.api.InvalidSettingException;
import ai.kard.api.Question;
import ai.kard.api.Rationale;
import ai.kard.core.data.QuestionReader;
import ai.kard.core.data.RationaleReader;
import ai.kard.core.model.ModelOptions;
import ai.kard.core.rerank.CandidateMiner;
import ai.kard.core.rerank.HitsAtK;
import ai.kard.core.rerank.LateInteractionReranker;
import ai.kard.core.rerank.PairCandidates;
import ai.kard.core.rerank.RerankEvaluation;
import ai.kard.core.rerank.RerankerPair;
import ai.kard.core.rerank.ScoringMode;
import ai.kard.api.KnowledgeBase;
import ai.kard.retrieval.eval.Qrels;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kard rerank-eval}: Hits@1/3/10 of relevant passages in BM25(question + options)'s own ranking and after
 * reranking its top candidates, overall and per value of the questions' {@code kind} field when they have one.
 * Relevant passages come from qrels (e.g. the demo's gold-passages.tsv) and/or from rationales (each rationale's
 * BM25 top-1, plus where it lands among the mined candidates).
 */
@Command(name = "rerank-eval", mixinStandardHelpOptions = true,
        description = "Hits@k of gold (qrels) or rationale-best passages: BM25(question) vs the reranker (trained,"
                + " or an encoder zero-shot).")
final class RerankEvalCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--index", paramLabel = "DIR", description = "Lucene index (or --solr/--collection)")
    Path index;

    @Mixin
    SolrOptions knowledgeBase;

    @Mixin
    RerankerRuntimeOption rerankerRuntime;

    @Option(names = "--reranker", paramLabel = "DIR", description = "a train-reranker folder")
    Path reranker;

    @Option(names = "--encoder", paramLabel = "DIR", description = "instead of --reranker: a pretrained encoder (HF"
            + " folder or hub id) evaluated zero-shot, no training")
    String encoder;

    @Option(names = "--mode", paramLabel = "late|bi", description = "with --encoder: late interaction (MaxSim over"
            + " token vectors) or bi-encoder (mean-pooled cosine) (default: late)")
    String mode;

    @Option(names = "--questions", required = true, paramLabel = "FILE")
    Path questions;

    @Option(names = "--qrels", paramLabel = "FILE", description = "gold passages: query-id<TAB>passage-id[<TAB>score]")
    Path qrels;

    @Option(names = "--rationales", paramLabel = "FILE", description = "rationales of these questions")
    Path rationales;

    @Option(names = "--candidates", defaultValue = "100",
            description = "BM25 candidates reranked (default: ${DEFAULT-VALUE})")
    int candidates;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu or gpu:N (default: ${DEFAULT-VALUE})")
    String device;

    @Override
    public Integer call() throws Exception {
        if (qrels == null && rationales == null) {
            throw new InvalidSettingException("give --qrels and/or --rationales: what counts as relevant");
        }
        if ((reranker == null) == (encoder == null)) {
            throw new InvalidSettingException("give either --reranker DIR (trained) or --encoder DIR (zero-shot)");
        }
        if (mode != null && encoder == null) {
            throw new InvalidSettingException("--mode " + mode + " goes with --encoder (a reranker folder has its own)");
        }
        ScoringMode scoringMode = Encoders.mode("--mode", mode);
        rerankerRuntime.check();
        PrintWriter out = spec.commandLine().getOut();
        List<Question> all = QuestionReader.read(questions);
        Map<String, String> kinds = kinds(questions);
        try (KnowledgeBase kb = knowledgeBase.open(index, true);
                LateInteractionReranker model = reranker != null ? LateInteractionReranker.load(reranker,
                        new ModelOptions(ModelOptions.parseDevice(device), ai.djl.ndarray.types.DataType.FLOAT32),
                        LateInteractionReranker.DEFAULT_CACHE_SIZE)
                        : new LateInteractionReranker(Encoders.open(encoder, scoringMode != null ? scoringMode
                                : ScoringMode.LATE_INTERACTION, device), LateInteractionReranker.DEFAULT_CACHE_SIZE)) {
            rerankerRuntime.apply(model, 0);
            if (encoder != null) {
                out.printf(Locale.ROOT, "encoder %s zero-shot: %s%n", encoder, model.scorer().settings());
            }
            if (qrels != null) {
                Qrels gold = Qrels.read(qrels);
                for (Map.Entry<String, List<Question>> group : groups(all, kinds).entrySet()) {
                    List<String> queries = new ArrayList<>();
                    List<Set<String>> relevant = new ArrayList<>();
                    for (Question q : group.getValue()) {
                        Map<String, Integer> judged = gold.of(q.id());
                        if (judged != null && !judged.isEmpty()) {
                            queries.add(RerankerPair.queryOf(q));
                            relevant.add(judged.keySet());
                        }
                    }
                    HitsAtK hits = RerankEvaluation.hits(kb, model, queries, relevant, candidates);
                    out.printf(Locale.ROOT, "gold passage, %s: %s%n", group.getKey(), hits.format());
                }
            }
            if (rationales != null) {
                List<Rationale> kept = RationaleReader.read(rationales);
                List<RerankerPair> pairs = RerankerPair.of(all, kept);
                List<PairCandidates> mined = new CandidateMiner(CandidateMiner.DEFAULT_RATIONALE_CANDIDATES,
                        CandidateMiner.DEFAULT_QUESTION_CANDIDATES, null).mine(kb, pairs);
                out.println(RerankEvaluation.amongCandidates(kb, model, pairs, mined).format());
                out.printf(Locale.ROOT, "rationale's best passage, all: %s%n",
                        RerankEvaluation.rationaleHits(kb, model, pairs, mined, candidates).format());
            }
        }
        return KardCli.OK;
    }

    /** "all" first, then one group per kind (when the questions have a {@code kind} field). */
    private static Map<String, List<Question>> groups(List<Question> all, Map<String, String> kinds) {
        Map<String, List<Question>> groups = new LinkedHashMap<>();
        groups.put("all", all);
        for (Question q : all) {
            String kind = kinds.get(q.id());
            if (kind != null) {
                groups.computeIfAbsent(kind, k -> new ArrayList<>()).add(q);
            }
        }
        return groups;
    }

    /** The optional {@code kind} field of each question line (the demo's direct / two-hop). */
    private static Map<String, String> kinds(Path file) throws java.io.IOException {
        Map<String, String> kinds = new HashMap<>();
        try (BufferedReader reader = Files.newBufferedReader(file)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node = JSON.readTree(line);
                if (node.hasNonNull("id") && node.hasNonNull("kind")) {
                    kinds.put(node.get("id").asText(), node.get("kind").asText());
                }
            }
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            return Map.of(); // not plain JSONL: no grouping (the reader above already validated the questions)
        }
        return kinds;
    }
}
