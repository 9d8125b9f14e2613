package ai.kard.examples.cli;

import ai.kard.api.InvalidSettingException;
import ai.kard.api.Question;
import ai.kard.api.Rationale;
import ai.kard.core.data.QuestionReader;
import ai.kard.core.data.RationaleReader;
import ai.kard.core.model.ModelOptions;
import ai.kard.core.rerank.LateInteractionReranker;
import ai.kard.core.rerank.RerankerTraining;
import ai.kard.core.train.EpochMetrics;
import ai.kard.core.train.ProgressListener;
import ai.kard.core.train.StepMetrics;
import ai.kard.api.KnowledgeBase;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kard train-reranker}: trains the late-interaction reranker with KARD's rationale-distribution objective
 * and saves it to {@code --out} (an HF encoder folder plus {@code projection.safetensors} and
 * {@code reranker.json}; {@code LateInteractionReranker.load(dir)} reads it back). Candidates are cached under
 * {@code <index>/kard-candidates}, checkpoints under {@code <out>/checkpoints}.
 */
@Command(name = "train-reranker", mixinStandardHelpOptions = true,
        description = "Train the reranker (late interaction, KL to the rationale's BM25 distribution) and save it.")
final class TrainRerankerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--index", paramLabel = "DIR", description = "BM25 index of the knowledge base (or --solr/--collection)")
    Path index;

    @Mixin
    SolrOptions knowledgeBase;

    @Option(names = "--questions", required = true, paramLabel = "FILE", description = "training questions")
    Path questions;

    @Option(names = "--rationales", required = true, paramLabel = "FILE",
            description = "kept teacher rationales of the training questions")
    Path rationales;

    @Option(names = "--encoder", required = true, paramLabel = "MODEL",
            description = "scratch:bert-tiny, scratch:bert-mini, an HF folder or a hub id")
    String encoder;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "where the reranker is saved")
    Path out;

    @Option(names = "--epochs", description = "epochs (default: the encoder's)")
    Integer epochs;

    @Option(names = "--lr", description = "learning rate (default: the encoder's)")
    Double learningRate;

    @Option(names = "--batch-pairs", description = "pairs per step (default: the encoder's)")
    Integer pairsPerBatch;

    @Option(names = "--candidates-rationale", defaultValue = "32",
            description = "BM25(rationale) top-k1 candidates (default: ${DEFAULT-VALUE})")
    int candidatesRationale;

    @Option(names = "--candidates-question", defaultValue = "32",
            description = "BM25(question) top-k2 candidates (default: ${DEFAULT-VALUE})")
    int candidatesQuestion;

    @Option(names = "--sample", defaultValue = "4",
            description = "candidates sampled from each side per pair and step (default: ${DEFAULT-VALUE})")
    int sample;

    @Option(names = "--tau-target", split = ",", paramLabel = "START,END",
            description = "tau1 on BM25 scores, annealed (default: 5,1)")
    List<Double> tauTarget;

    @Option(names = "--tau-model", split = ",", paramLabel = "START,END",
            description = "tau2 on reranker scores, annealed (default: the encoder's; 500,100 for pretrained)")
    List<Double> tauModel;

    @Option(names = "--dim", description = "projection width (default: the encoder's; 128 scratch, pretrained"
            + " min(384, hidden size))")
    Integer dim;

    @Option(names = "--max-lengths", split = ",", paramLabel = "QUERY,PASSAGE", description = "question and passage"
            + " tokens kept, [CLS] and [SEP] included (default: the encoder's; 64,180 scratch, 64,48 pretrained)")
    List<Integer> maxLengths;

    @Option(names = "--max-steps", description = "at most this many steps, 0 for no cap; more pairs than that are"
            + " subsampled, spread over the questions (default: the encoder's; 200 pretrained, none scratch)")
    Integer maxSteps;

    @Option(names = "--mode", paramLabel = "late|bi", description = "late interaction (MaxSim) or bi-encoder"
            + " (mean-pooled cosine); recorded in reranker.json (default: late)")
    String mode;

    @Option(names = "--normalize", negatable = true, description = "cosine MaxSim: L2-normalised token vectors"
            + " (default: the encoder's)")
    Boolean normalize;

    @Option(names = "--keep-best", negatable = true,
            description = "sample the rationale's best passage at every step (default: the encoder's)")
    Boolean keepBest;

    @Option(names = "--in-batch", negatable = true, description = "targets over all passages of a step, the other"
            + " pairs' candidates included (default: the encoder's)")
    Boolean inBatch;

    @Option(names = "--freeze-word-embeddings", negatable = true,
            description = "keep the encoder's word embeddings fixed (default: the encoder's)")
    Boolean freezeWordEmbeddings;

    @Option(names = "--soft-maxsim", split = ",", paramLabel = "START,END", description = "train with a soft max"
            + " over passage tokens, annealed; 0 for the hard max (default: the encoder's)")
    List<Double> softMaxSim;

    @Option(names = "--freeze-passages", negatable = true, description = "keep the passage side at the starting"
            + " weights, each passage encoded once (default: the encoder's; on for pretrained, off for scratch)")
    Boolean freezePassages;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu or gpu:N (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--seed", defaultValue = "42", description = "seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--validation-questions", paramLabel = "FILE", description = "held-out questions")
    Path validationQuestions;

    @Option(names = "--validation-rationales", paramLabel = "FILE", description = "their rationales")
    Path validationRationales;

    @Option(names = "--candidate-cache", paramLabel = "DIR",
            description = "where mined candidates are cached (default: <index>/kard-candidates; with --solr <out>/kard-candidates)")
    Path candidateCache;

    @Option(names = "--resume", description = "continue from the newest checkpoint in <out>/checkpoints")
    boolean resume;

    @Override
    public Integer call() throws Exception {
        if ((validationQuestions == null) != (validationRationales == null)) {
            throw new InvalidSettingException("--validation-questions and --validation-rationales go together");
        }
        knowledgeBase.check(index, true);
        PrintWriter console = spec.commandLine().getOut();
        List<Question> train = QuestionReader.read(questions);
        List<Rationale> kept = RationaleReader.read(rationales);
        RerankerTraining recipe = RerankerTraining.of(encoder)
                .candidates(candidatesRationale, candidatesQuestion).sample(sample, sample)
                .device(ModelOptions.parseDevice(device)).seed(seed)
                .candidateCache(candidateCache != null ? candidateCache
                        : (index != null ? index : out).resolve("kard-candidates"))
                .checkpoints(out.resolve("checkpoints"), resume)
                .listener(new Progress(console));
        // The on/off flags: absent means the encoder's default.
        if (freezePassages != null) {
            recipe.freezePassages(freezePassages);
        }
        if (normalize != null) {
            recipe.normalize(normalize);
        }
        if (keepBest != null) {
            recipe.keepBest(keepBest);
        }
        if (inBatch != null) {
            recipe.inBatchCandidates(inBatch);
        }
        if (freezeWordEmbeddings != null) {
            recipe.freezeWordEmbeddings(freezeWordEmbeddings);
        }
        if (dim != null) {
            recipe.dim(dim);
        }
        if (maxLengths != null) {
            if (maxLengths.size() != 2) {
                throw new InvalidSettingException("--max-lengths takes QUERY,PASSAGE, got " + maxLengths);
            }
            recipe.maxLengths(maxLengths.get(0), maxLengths.get(1));
        }
        if (maxSteps != null) {
            recipe.maxSteps(maxSteps);
        }
        if (mode != null) {
            recipe.mode(Encoders.mode("--mode", mode));
        }
        if (epochs != null) {
            recipe.epochs(epochs);
        }
        if (learningRate != null) {
            recipe.learningRate(learningRate);
        }
        if (pairsPerBatch != null) {
            recipe.pairsPerBatch(pairsPerBatch);
        }
        if (tauTarget != null) {
            recipe.targetTemperature(pair("--tau-target", tauTarget)[0], pair("--tau-target", tauTarget)[1]);
        }
        if (tauModel != null) {
            recipe.modelTemperature(pair("--tau-model", tauModel)[0], pair("--tau-model", tauModel)[1]);
        }
        if (softMaxSim != null) {
            if (softMaxSim.size() == 1 && softMaxSim.get(0) == 0) {
                recipe.hardMaxSim();
            } else {
                recipe.softMaxSim(pair("--soft-maxsim", softMaxSim)[0], pair("--soft-maxsim", softMaxSim)[1]);
            }
        }
        if (validationQuestions != null) {
            recipe.validation(QuestionReader.read(validationQuestions), RationaleReader.read(validationRationales));
        }
        long started = System.nanoTime();
        try (KnowledgeBase kb = knowledgeBase.open(index, true)) {
            RerankerTraining.Result result = recipe.withKnowledgeBase(kb).train(train, kept);
            try (LateInteractionReranker reranker = result.reranker()) {
                Files.createDirectories(out);
                reranker.scorer().save(out);
            }
            console.printf(Locale.ROOT, "trained on %d pairs (%d held out) in %.0f s; saved to %s%n",
                    result.trainPairs(), result.validationPairs(), (System.nanoTime() - started) / 1e9, out);
            if (result.validation() != null) {
                console.println(result.validation().format());
            }
        }
        return KardCli.OK;
    }

    private static double[] pair(String option, List<Double> values) {
        if (values.size() != 2) {
            throw new InvalidSettingException(option + " takes START,END, got " + values);
        }
        return new double[] {values.get(0), values.get(1)};
    }

    /** Step and epoch lines on the console. */
    private record Progress(PrintWriter out) implements ProgressListener {
        @Override
        public void onStep(StepMetrics m) {
            out.printf(Locale.ROOT, "reranker epoch %d step %d/%d loss %.4f lr %.2e eta %.0fs%n", m.epoch(), m.step(),
                    m.totalSteps(), m.loss(), m.learningRate(), m.etaSeconds());
            out.flush();
        }

        @Override
        public void onEpoch(EpochMetrics m) {
            out.printf(Locale.ROOT, "reranker epoch %d done: train loss %.4f, validation loss %.4f, top-1 agreement"
                    + " %.3f (%.0fs)%n", m.epoch(), m.trainLoss(), m.validationLoss(), m.validationAccuracy(),
                    m.elapsedSeconds());
            out.flush();
        }
    }
}
