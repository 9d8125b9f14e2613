package ai.kard.core.rerank;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.kard.core.internal.model.Dropout;
import ai.kard.core.internal.model.common.EngineArrays;
import ai.kard.core.internal.train.EvalResult;
import ai.kard.core.internal.train.TrainingTask;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The reranker's KARD objective as a {@link TrainingTask}: for every example of a batch,
 * {@code Q = softmax(BM25(r, d) / tau1)} and {@code P = softmax(f(x, d) / tau2)} over its sampled candidates, and the
 * loss is {@code KL(Q || P)} averaged over the examples. {@code f} is the scorer's late-interaction score; both
 * temperatures are annealed over the run ({@link TemperatureSchedule}). By default both the query side and the
 * passage side of the shared encoder get gradients; {@code freezePassages} stops the gradient at the passage
 * vectors (the encoder then learns from the query side only).
 *
 * <p>Dropout: off by default, unlike HF's BERT training ({@code hidden_dropout_prob} and
 * {@code attention_probs_dropout_prob}, 0.1 in the presets): the reranker's defaults and the demo's reranker row
 * were tuned and measured without it, and with it a short run on a handful of queries no longer fits them
 * ({@code RerankerTaskTest}). {@link #dropout(Dropout)} with {@link Dropout#AS_CONFIGURED} trains as HF does;
 * validation and inference never drop out.
 *
 * <p>The annealing position is the number of training losses computed so far; a resumed run must call
 * {@link #startAt} with the checkpoint's step. The task is not thread-safe (the trainer is single-threaded).
 */
final class RerankerTask implements TrainingTask<RerankBatch> {
    /** Added to the logits of another example's candidates: exp() of it is exactly 0 in float32. */
    private static final float MASKED = -1e9f;

    private final LateInteractionScorer scorer;
    private final TemperatureSchedule targetTemperature;
    private final TemperatureSchedule modelTemperature;
    private final long totalSteps;
    private final boolean freezePassages;
    private TemperatureSchedule softness;
    private Dropout dropout = Dropout.OFF;
    private FrozenPassageVectors frozenPassages;
    private long step;

    /**
     * @param targetTemperature tau1, on the BM25 targets (default 5 -> 1)
     * @param modelTemperature  tau2, on the late-interaction scores (default 500 -> 100)
     * @param totalSteps        the run's training steps T (batches per epoch times epochs)
     * @param freezePassages    stop-gradient on the passage encodings
     */
    public RerankerTask(LateInteractionScorer scorer, TemperatureSchedule targetTemperature,
            TemperatureSchedule modelTemperature, long totalSteps, boolean freezePassages) {
        if (totalSteps < 1) {
            throw new IllegalArgumentException("total steps must be >= 1, got " + totalSteps);
        }
        this.scorer = Objects.requireNonNull(scorer, "scorer");
        this.targetTemperature = Objects.requireNonNull(targetTemperature, "targetTemperature");
        this.modelTemperature = Objects.requireNonNull(modelTemperature, "modelTemperature");
        this.totalSteps = totalSteps;
        this.freezePassages = freezePassages;
    }

    @Override
    public Block block() {
        return scorer.block();
    }

    /**
     * Softens the max over passage tokens in the TRAINING loss ({@link LateInteractionScorer#maxSim(NDArray,
     * NDArray, NDArray, NDArray, double)}), annealed like the temperatures; null: the hard max throughout. Validation
     * and inference always use the hard max.
     */
    public RerankerTask softMaxSim(TemperatureSchedule schedule) {
        this.softness = schedule;
        return this;
    }

    /** The encoder's dropout in the training loss (default {@link Dropout#OFF}; see the class comment). */
    public RerankerTask dropout(Dropout trainingDropout) {
        this.dropout = Objects.requireNonNull(trainingDropout, "dropout");
        return this;
    }

    /**
     * Takes the passage side from {@code vectors} (a frozen scorer's cached token vectors, no gradient) instead of
     * encoding the step's passages with the trained scorer; null: the trained scorer encodes them.
     */
    public RerankerTask frozenPassages(FrozenPassageVectors vectors) {
        this.frozenPassages = vectors;
        return this;
    }

    /** Continues the temperature annealing at {@code trainingStep} (after a resume). */
    public void startAt(long trainingStep) {
        if (trainingStep < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + trainingStep);
        }
        this.step = trainingStep;
    }

    /** Training losses computed so far (the annealing position). */
    public long step() {
        return step;
    }

    /** tau1 at the current step. */
    public double targetTemperature() {
        return targetTemperature.at(step, totalSteps);
    }

    /** tau2 at the current step. */
    public double modelTemperature() {
        return modelTemperature.at(step, totalSteps);
    }

    @Override
    public NDArray loss(NDManager stepManager, RerankBatch batch) {
        NDArray loss = kl(stepManager, batch, targetTemperature(), modelTemperature(),
                softness == null ? 0 : softness.at(step, totalSteps), dropout);
        step++;
        return loss;
    }

    @Override
    public NDArray validationLoss(NDManager manager, RerankBatch batch) {
        return kl(manager, batch, targetTemperature(), modelTemperature());
    }

    /** Validation loss, and as accuracy the share of examples whose BM25-best sampled candidate the model ranks first. */
    @Override
    public EvalResult evaluate(NDManager manager, List<RerankBatch> validation) {
        if (validation == null || validation.isEmpty()) {
            return EvalResult.ofLoss(Double.NaN);
        }
        double tau1 = targetTemperature();
        double tau2 = modelTemperature();
        double loss = 0;
        int agree = 0;
        int examples = 0;
        for (RerankBatch batch : validation) {
            double batchLoss = 0;
            try (NDManager m = manager.newSubManager()) {
                // One forward pass per batch gives both figures: the KL in double precision and the agreement.
                float[][] scores = exampleScores(m, batch);
                for (int b = 0; b < scores.length; b++) {
                    float[] targets = batch.examples().get(b).targetScores();
                    batchLoss += kl(targets, scores[b], tau1, tau2);
                    agree += argmax(scores[b]) == argmax(targets) ? 1 : 0;
                    examples++;
                }
            }
            loss += batchLoss / batch.examples().size();
        }
        return new EvalResult(loss / validation.size(), agree / (double) examples);
    }

    /**
     * {@code KL(Q || P)} averaged over the batch's examples, at the given temperatures; over each example's own
     * candidates, or over all the step's passages when the batch has {@link RerankBatch#batchTargets}.
     */
    public NDArray kl(NDManager manager, RerankBatch batch, double tau1, double tau2) {
        return kl(manager, batch, tau1, tau2, 0);
    }

    /** {@link #kl(NDManager, RerankBatch, double, double)} with a soft max over passage tokens when > 0. */
    public NDArray kl(NDManager manager, RerankBatch batch, double tau1, double tau2, double maxSoftness) {
        return kl(manager, batch, tau1, tau2, maxSoftness, Dropout.OFF);
    }

    private NDArray kl(NDManager manager, RerankBatch batch, double tau1, double tau2, double maxSoftness,
            Dropout encoderDropout) {
        List<RerankExample> examples = batch.examples();
        int queries = examples.size();
        List<int[]> passages = new ArrayList<>();
        for (RerankExample e : examples) {
            passages.addAll(e.passages());
        }
        int docs = passages.size();
        float[] target = new float[queries * docs];
        float[] mask = new float[queries * docs];
        double negativeEntropy = 0;
        int offset = 0;
        for (int b = 0; b < queries; b++) {
            // In-batch targets: the example's distribution spans every passage of the step; else its own only.
            float[] q = softmax(batch.batchTargets() != null ? batch.batchTargets()[b]
                    : examples.get(b).targetScores(), tau1);
            int start = batch.batchTargets() != null ? 0 : offset;
            for (int i = 0; i < q.length; i++) {
                target[b * docs + start + i] = q[i];
                mask[b * docs + start + i] = 1;
                negativeEntropy += q[i] > 0 ? q[i] * Math.log(q[i]) : 0;
            }
            offset += examples.get(b).passages().size();
        }
        NDArray scores = pairScores(manager, examples, passages, maxSoftness, encoderDropout);
        // Every array and scalar below is engine-owned: autograd keeps mul's operands until the backward pass,
        // and Java-buffer-backed ones could be freed by a GC before it runs (NaN gradients; see EngineArrays).
        Shape shape = new Shape(queries, docs);
        NDArray weights = EngineArrays.of(manager, mask, shape);
        NDArray penalty = weights.sub(EngineArrays.constant(weights, 1)).mul(EngineArrays.constant(weights, -MASKED));
        NDArray logits = scores.mul(EngineArrays.constant(scores, 1 / tau2));
        NDArray logP = logits.add(penalty.toType(logits.getDataType(), false)).logSoftmax(1);
        NDArray targets = EngineArrays.copyAs(EngineArrays.of(manager, target, shape), logP.getDataType());
        NDArray cross = logP.mul(targets).sum();
        return cross.neg().add(EngineArrays.constant(cross, negativeEntropy))
                .mul(EngineArrays.constant(cross, 1.0 / queries));
    }

    /** Late-interaction scores {@code [queries, all passages of the batch]}, passage side detached when frozen. */
    private NDArray pairScores(NDManager manager, List<RerankExample> examples, List<int[]> passages,
            double maxSoftness, Dropout encoderDropout) {
        NDList q = scorer.vectors(manager, examples.stream().map(RerankExample::query).toList(), encoderDropout);
        NDList d = frozenPassages != null ? frozenPassages.vectors(manager, passages)
                : scorer.vectors(manager, passages, encoderDropout);
        NDArray dv = freezePassages && frozenPassages == null ? d.get(0).stopGradient() : d.get(0);
        return LateInteractionScorer.maxSim(q.get(0), q.get(1), dv, d.get(1), maxSoftness);
    }

    /** Each example's scores of its own candidates. */
    private float[][] exampleScores(NDManager manager, RerankBatch batch) {
        List<int[]> passages = new ArrayList<>();
        for (RerankExample e : batch.examples()) {
            passages.addAll(e.passages());
        }
        float[] all = pairScores(manager, batch.examples(), passages, 0, Dropout.OFF).toType(DataType.FLOAT32, false)
                .toFloatArray();
        float[][] out = new float[batch.examples().size()][];
        int offset = 0;
        for (int b = 0; b < out.length; b++) {
            int n = batch.examples().get(b).passages().size();
            out[b] = new float[n];
            System.arraycopy(all, b * passages.size() + offset, out[b], 0, n);
            offset += n;
        }
        return out;
    }

    /** softmax(scores / tau) in double precision. */
    public static float[] softmax(float[] scores, double tau) {
        double max = Double.NEGATIVE_INFINITY;
        for (float s : scores) {
            max = Math.max(max, s / tau);
        }
        double sum = 0;
        double[] e = new double[scores.length];
        for (int i = 0; i < scores.length; i++) {
            e[i] = Math.exp(scores[i] / tau - max);
            sum += e[i];
        }
        float[] out = new float[scores.length];
        for (int i = 0; i < scores.length; i++) {
            out[i] = (float) (e[i] / sum);
        }
        return out;
    }

    /** KL(softmax(targets / tau1) || softmax(scores / tau2)) in double precision. */
    static double kl(float[] targets, float[] scores, double tau1, double tau2) {
        double[] logQ = logSoftmax(targets, tau1);
        double[] logP = logSoftmax(scores, tau2);
        double kl = 0;
        for (int i = 0; i < logQ.length; i++) {
            kl += Math.exp(logQ[i]) * (logQ[i] - logP[i]);
        }
        return kl;
    }

    private static double[] logSoftmax(float[] values, double tau) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : values) {
            max = Math.max(max, v / tau);
        }
        double sum = 0;
        for (float v : values) {
            sum += Math.exp(v / tau - max);
        }
        double log = max + Math.log(sum);
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i] / tau - log;
        }
        return out;
    }

    static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    @Override
    public String toString() {
        return "RerankerTask(tau1=" + targetTemperature + ",tau2=" + modelTemperature + ",steps=" + totalSteps
                + ",freezePassages=" + freezePassages + (frozenPassages == null ? "" : ",cached " + frozenPassages)
                + (softness == null ? "" : ",softMaxSim=" + softness) + ")";
    }
}
