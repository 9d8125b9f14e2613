package ai.kard.examples.cli;

import ai.kard.api.InvalidSettingException;
import ai.kard.api.KnowledgeBase;
import ai.kard.api.Prediction;
import ai.kard.api.Question;
import ai.kard.api.Rationale;
import ai.kard.core.data.PredictionWriter;
import ai.kard.core.data.QuestionReader;
import ai.kard.core.data.RationaleReader;
import ai.kard.core.distill.KardModel;
import ai.kard.core.distill.KardSettings;
import ai.kard.core.model.ModelOptions;
import ai.kard.core.rerank.LateInteractionReranker;
import ai.kard.core.rerank.LateInteractionScorer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * {@code kard eval}: answers questions with a distilled student and prints {@code accuracy=<x> n=<n>
 * no_answer=<m>} as its last line ("no answer" is counted apart from "wrong"). With
 * {@code --oracle-rationales} the passages are retrieved with each question's given rationale instead of the
 * question: the paper's oracle row.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a distilled student; the last line is accuracy=<x> n=<n> no_answer=<m>.")
final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "a folder written by kard distill")
    Path model;

    @Option(names = "--questions", required = true, paramLabel = "FILE", description = "questions with gold answers")
    Path questions;

    @Option(names = "--index", paramLabel = "DIR", description = "BM25 index (required for a KARD student; or --solr/--collection)")
    Path index;

    @Mixin
    SolrOptions knowledgeBase;

    @Mixin
    RerankerRuntimeOption rerankerRuntime;

    @Option(names = "--reranker", paramLabel = "DIR", description = "a trained reranker folder")
    Path reranker;

    @Option(names = "--candidates", description = "BM25 candidates for the reranker (default: ${DEFAULT-VALUE})")
    int candidates = KardSettings.DEFAULT_CANDIDATES;

    @Option(names = "--passages", paramLabel = "K", description = "passages per prompt (default: as trained)")
    Integer passages;

    @Option(names = "--samples", paramLabel = "N",
            description = "self-consistency samples, majority vote (default: ${DEFAULT-VALUE} = greedy)")
    int samples = 1;

    @Option(names = "--max-new-tokens", paramLabel = "N", description = "generation limit (default: as trained)")
    Integer maxNewTokens;

    @Option(names = "--out", paramLabel = "FILE", description = "predictions JSONL")
    Path out;

    @Option(names = "--oracle-rationales", paramLabel = "FILE",
            description = "retrieve with these rationales (first per question) instead of the question")
    Path oracleRationales;

    @Option(names = "--device", description = "cpu, gpu or gpu:N (default: ${DEFAULT-VALUE})")
    String device = "cpu";

    @Override
    public Integer call() throws Exception {
        PrintWriter console = spec.commandLine().getOut();
        if (samples < 1) {
            throw new InvalidSettingException("--samples must be >= 1, got " + samples);
        }
        knowledgeBase.check(index, false);
        rerankerRuntime.check();
        if (reranker != null && index == null && !knowledgeBase.given()) {
            throw new InvalidSettingException("--reranker " + reranker + " reranks BM25 candidates: give --index too");
        }
        if (reranker != null && !Files.isRegularFile(reranker.resolve(LateInteractionScorer.SETTINGS_FILE))) {
            throw new InvalidSettingException("--reranker " + reranker + " has no "
                    + LateInteractionScorer.SETTINGS_FILE + ": not a folder written by kard train-reranker");
        }
        if (!Files.isRegularFile(model.resolve(KardModel.KARD_JSON))) {
            throw new InvalidSettingException("--model " + model + " has no " + KardModel.KARD_JSON
                    + ": not a folder written by kard distill");
        }
        List<Question> test = QuestionReader.read(questions);
        Map<String, String> oracle = new LinkedHashMap<>();
        if (oracleRationales != null) {
            for (Rationale r : RationaleReader.read(oracleRationales)) {
                oracle.putIfAbsent(r.questionId(), r.text());
            }
            if (test.stream().noneMatch(q -> oracle.containsKey(q.id()))) {
                throw new InvalidSettingException("--oracle-rationales " + oracleRationales
                        + ": no rationale has the id of one of the " + test.size() + " questions");
            }
        }
        ModelOptions options = new ModelOptions(ModelOptions.parseDevice(device), ai.djl.ndarray.types.DataType.FLOAT32);
        try (KnowledgeBase kb = knowledgeBase.open(index, false);
                LateInteractionReranker rr = reranker == null ? null : LateInteractionReranker.load(reranker, options,
                        LateInteractionReranker.DEFAULT_CACHE_SIZE);
                KardModel loaded = KardModel.load(model, options, kb, rr)) {
            rerankerRuntime.apply(rr, 0);
            KardSettings settings = loaded.settings();
            if (passages != null) {
                if (passages < 1 || !settings.knowledgeAugmented()) {
                    throw new InvalidSettingException("--passages " + passages + ": "
                            + (settings.knowledgeAugmented() ? "must be >= 1" : "this is an RD student (no passages)"));
                }
                settings = settings.withPassages(passages);
            }
            if (maxNewTokens != null) {
                settings = settings.withMaxNewTokens(maxNewTokens);
            }
            KardModel student = loaded.with(kb, rr, settings.withCandidates(Math.max(candidates,
                    Math.max(1, settings.passages()))));
            List<Prediction> predictions;
            if (oracleRationales != null) {
                List<String> given = new ArrayList<>();
                for (Question q : test) {
                    given.add(oracle.getOrDefault(q.id(), q.text()));
                }
                predictions = student.answerWithRationales(test, given, samples);
            } else {
                predictions = student.answerAll(test, samples);
            }
            Map<String, Question> byId = new LinkedHashMap<>();
            test.forEach(q -> byId.put(q.id(), q));
            if (out != null) {
                PredictionWriter.write(out, predictions, byId);
            }
            int labelled = 0;
            int correct = 0;
            int none = 0;
            for (int i = 0; i < test.size(); i++) {
                Prediction p = predictions.get(i);
                none += p.answered() ? 0 : 1;
                if (test.get(i).answer() != null) {
                    labelled++;
                    correct += p.isCorrect(test.get(i)) ? 1 : 0;
                }
            }
            console.printf(Locale.ROOT, "accuracy=%.4f n=%d no_answer=%d%n",
                    labelled == 0 ? 0.0 : correct / (double) labelled,
                    labelled, none);
        }
        return KardCli.OK;
    }
}
