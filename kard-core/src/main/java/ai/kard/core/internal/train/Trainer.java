package ai.kard.core.internal.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import ai.kard.api.InvalidSettingException;
import ai.kard.core.train.EpochMetrics;
import ai.kard.core.train.ProgressListener;
import ai.kard.core.train.StepMetrics;
import ai.kard.core.train.TrainingDivergedException;
import ai.kard.core.train.TrainingResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The generic training loop: AdamW with decoupled weight decay, a learning-rate schedule, global-norm
 * clipping, gradient accumulation, seeded shuffling, validation each epoch, metrics and a loss plot,
 * atomic checkpoints and exact resumption.
 *
 * <pre>{@code
 * Trainer<MyBatch> trainer = Trainer.<MyBatch>builder(TrainerConfig.builder().epochs(3).build())
 *         .accuracy((m, val) -> ...).listener(myListener).build();
 * TrainingResult r = trainer.fit(task, BatchSource.of(trainBatches), validationBatches);
 * // after a crash: trainer.resume(task, source, validation, checkpointDir)
 * }</pre>
 *
 * <p>Each optimizer step runs in an {@link NDScope} with a fresh sub-manager per micro-batch: everything
 * created during the step is freed at its end, while parameters and optimizer state are updated in place, so
 * the number of live native arrays stays constant over a run. Every step also reseeds the engine from
 * (seed, step), so dropout masks are the same in an uninterrupted and a resumed run. The loop is
 * single-threaded; one trainer may run several fits one after the other.
 */
public final class Trainer<B> {

    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private final TrainerConfig config;
    private final Accuracy<B> accuracy;
    private final ProgressListener listener;
    /** INFO without a listener; DEBUG when a listener reports progress itself (else each line shows twice). */
    private final org.slf4j.event.Level progressLevel;

    private Trainer(TrainerConfig config, Accuracy<B> accuracy, ProgressListener listener) {
        this.config = config;
        this.accuracy = accuracy;
        this.listener = listener == null ? new ProgressListener() {} : listener;
        this.progressLevel = listener == null ? org.slf4j.event.Level.INFO : org.slf4j.event.Level.DEBUG;
    }

    public static <B> Builder<B> builder(TrainerConfig config) {
        return new Builder<>(config);
    }

    public TrainerConfig config() {
        return config;
    }

    /**
     * Trains from the block's current weights.
     *
     * @param validation batches for the per-epoch validation loss (and the accuracy hook); may be empty
     * @throws TrainingDivergedException when a loss or the gradient norm is NaN or infinite
     * @throws IOException when a checkpoint or metrics file cannot be written
     */
    public TrainingResult fit(TrainingTask<B> task, BatchSource<B> train, List<B> validation) throws IOException {
        return run(task, train, validation, null);
    }

    /**
     * Continues a run from a checkpoint: parameters, optimizer state, schedule position, data order and
     * metrics are restored, so the run ends exactly where an uninterrupted one would. The task's block must
     * have the same trainable parameters (names and shapes); {@code train} the same number of batches.
     * Settings come from this trainer's configuration (normally the original one; the epoch count may grow).
     *
     * @param checkpoint a {@code checkpoint-NNNNNNNN} folder, or a checkpoint directory (its newest is used)
     */
    public TrainingResult resume(TrainingTask<B> task, BatchSource<B> train, List<B> validation, Path checkpoint)
            throws IOException {
        Objects.requireNonNull(checkpoint, "checkpoint");
        return run(task, train, validation, CheckpointStore.resolve(checkpoint));
    }

    /** The newest checkpoint in {@code dir}, if any (for "resume if possible, else fit"). */
    public static Optional<Path> latestCheckpoint(Path dir) throws IOException {
        return CheckpointStore.latest(dir);
    }

    private TrainingResult run(TrainingTask<B> task, BatchSource<B> train, List<B> validation, Path from)
            throws IOException {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(train, "train");
        List<B> val = validation == null ? List.of() : List.copyOf(validation);
        int size = train.size();
        if (size < 1) {
            throw new InvalidSettingException("training source has " + size + " batches: need at least one");
        }
        List<String> names = new ArrayList<>();
        List<NDArray> params = new ArrayList<>();
        for (Pair<String, Parameter> p : task.block().getParameters()) {
            Parameter param = p.getValue();
            if (!param.requiresGradient()) {
                continue;
            }
            if (!param.isInitialized()) {
                throw new IllegalArgumentException("parameter " + p.getKey()
                        + " is not initialized: call block.initialize(...) before training");
            }
            NDArray array = param.getArray();
            if (!array.getDevice().equals(config.device())) {
                throw new IllegalArgumentException("parameter " + p.getKey() + " is on " + array.getDevice()
                        + " but the trainer's device is " + config.device());
            }
            if (array.getDataType() != DataType.FLOAT32) {
                throw new IllegalArgumentException("parameter " + p.getKey() + " is " + array.getDataType()
                        + ": the trainer needs float32 parameters");
            }
            if (!array.hasGradient()) {
                array.setRequiresGradient(true);
            }
            names.add(p.getKey());
            params.add(array);
        }
        if (params.isEmpty()) {
            throw new IllegalArgumentException("the block has no trainable parameters");
        }
        return new Run(task, train, val, names, params, from).execute();
    }

    /** One fit or resume: the mutable state of the loop. */
    private final class Run {
        private final TrainingTask<B> task;
        private final BatchSource<B> train;
        private final List<B> validation;
        private final List<String> names;
        private final List<NDArray> params;
        private final Path from;
        private final int size;
        private final int accumulation = config.gradientAccumulation();
        private final long stepsPerEpoch;
        private final long totalSteps;
        private final LearningRateSchedule schedule;
        private final Engine engine;

        private int epoch;
        private int position;
        private long step;
        private double epochLossSum;
        private long epochLossCount;
        private double elapsedBefore;
        private MetricsLog metrics = new MetricsLog();
        private Path lastCheckpoint;

        private long startNanos;
        private long stepAtStart;
        private double windowLoss;
        private long windowCount;
        private long windowTokens;
        private long windowStart;

        Run(TrainingTask<B> task, BatchSource<B> train, List<B> validation, List<String> names,
                List<NDArray> params, Path from) {
            this.task = task;
            this.train = train;
            this.validation = validation;
            this.names = names;
            this.params = params;
            this.from = from;
            this.size = train.size();
            this.stepsPerEpoch = (size + accumulation - 1) / accumulation;
            this.totalSteps = stepsPerEpoch * config.epochs();
            this.schedule = LearningRateSchedule.of(config, totalSteps);
            this.engine = params.get(0).getManager().getEngine();
        }

        TrainingResult execute() throws IOException {
            try (NDManager root = engine.newBaseManager(config.device());
                    AdamW optimizer = new AdamW(params, root, config.beta1(), config.beta2(), config.eps(),
                            config.weightDecay())) {
                if (from != null) {
                    restore(root, optimizer);
                }
                zeroGradients();
                LOG.info("training {} parameters ({} values) for {} epochs = {} steps ({} batches/epoch, "
                        + "accumulation {}), schedule {}, {}{}", params.size(), parameterCount(), config.epochs(),
                        totalSteps, size, accumulation, schedule, config,
                        from == null ? "" : ", resumed from " + from + " at step " + step);
                startNanos = System.nanoTime();
                stepAtStart = step;
                windowStart = startNanos;
                for (; epoch < config.epochs(); epoch++) {
                    int[] order = epochOrder(config.seed(), epoch, size);
                    while (position < size) {
                        trainStep(root, optimizer, order);
                    }
                    endEpoch(root, optimizer);
                }
                return new TrainingResult(metrics.epochs(), step, lastCheckpoint, elapsed());
            }
        }

        private void trainStep(NDManager root, AdamW optimizer, int[] order) throws IOException {
            int group = Math.min(accumulation, size - position);
            double lr = schedule.learningRate(step);
            double groupLoss = 0;
            long tokens = 0;
            double norm;
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                // Dropout draws from the engine's generator: reseeding per step makes resumption exact.
                engine.setRandomSeed((int) mix(config.seed() ^ 0x5DEECE66DL, step));
                try (GradientCollector collector = engine.newGradientCollector()) {
                    for (int j = 0; j < group; j++) {
                        B batch = train.batch(order[position + j], epoch);
                        if (batch instanceof TokenCounted counted) {
                            tokens += counted.tokenCount();
                        }
                        try (NDManager stepManager = root.newSubManager()) {
                            NDArray loss = task.loss(stepManager, batch);
                            float value = scalar(loss);
                            if (!Float.isFinite(value)) {
                                throw diverged("loss is " + value + " on micro-batch " + (j + 1) + " of " + group);
                            }
                            collector.backward(group == 1 ? loss : loss.div(group));
                            groupLoss += value;
                        }
                    }
                }
                List<NDArray> grads = new ArrayList<>(params.size());
                for (NDArray p : params) {
                    grads.add(p.getGradient());
                }
                norm = GradientClipping.clip(grads, config.maxGradNorm());
                if (!Double.isFinite(norm)) {
                    throw diverged("gradient norm is " + norm);
                }
                optimizer.step(grads, lr);
            } catch (TrainingDivergedException e) {
                zeroGradients();
                if (config.checkpointDir() != null) {
                    metrics.write(config.checkpointDir());
                }
                throw e;
            }
            zeroGradients();
            step++;
            position += group;
            epochLossSum += groupLoss;
            epochLossCount += group;
            windowLoss += groupLoss;
            windowCount += group;
            windowTokens += tokens;
            if (step % config.logEverySteps() == 0 || step == totalSteps) {
                logStep(lr, norm);
            }
            if (config.checkpointDir() != null && config.checkpointEverySteps() > 0
                    && step % config.checkpointEverySteps() == 0 && position < size) {
                checkpoint(optimizer);
            }
        }

        private void logStep(double lr, double norm) {
            long now = System.nanoTime();
            double windowSeconds = (now - windowStart) / 1e9;
            double tokensPerSecond = windowTokens > 0 && windowSeconds > 0 ? windowTokens / windowSeconds : Double.NaN;
            double sinceStart = (now - startNanos) / 1e9;
            long done = step - stepAtStart;
            double eta = done > 0 ? sinceStart / done * (totalSteps - step) : Double.NaN;
            StepMetrics m = new StepMetrics(epoch + 1, step, totalSteps, windowLoss / windowCount, lr, norm,
                    tokensPerSecond, elapsed(), eta);
            metrics.add(m);
            LOG.atLevel(progressLevel).log("epoch {}/{} step {}/{} loss {} lr {} grad-norm {}{} eta {}", m.epoch(),
                    config.epochs(), m.step(), m.totalSteps(), String.format(Locale.ROOT, "%.4f", m.loss()),
                    String.format(Locale.ROOT, "%.3g", lr), String.format(Locale.ROOT, "%.3g", norm),
                    Double.isNaN(tokensPerSecond) ? "" : String.format(Locale.ROOT, " tokens/s %.0f", tokensPerSecond),
                    duration(eta));
            windowLoss = 0;
            windowCount = 0;
            windowTokens = 0;
            windowStart = now;
            listener.onStep(m);
        }

        private void endEpoch(NDManager root, AdamW optimizer) throws IOException {
            EvalResult eval;
            try (NDScope scope = new NDScope(); NDManager m = root.newSubManager()) {
                scope.suppressNotUsedWarning();
                eval = task.evaluate(m, validation);
                if (!eval.hasAccuracy() && accuracy != null) {
                    double acc = accuracy.compute(m, validation);
                    eval = new EvalResult(eval.loss(), acc);
                }
            }
            EpochMetrics em = new EpochMetrics(epoch + 1, step,
                    epochLossCount == 0 ? Double.NaN : epochLossSum / epochLossCount, eval.loss(), eval.accuracy(),
                    elapsed());
            metrics.add(em);
            // Without validation batches there is no validation loss: say nothing rather than "NaN".
            LOG.atLevel(progressLevel).log("epoch {}/{} done: train loss {}{}{} ({} elapsed)", em.epoch(),
                    config.epochs(), String.format(Locale.ROOT, "%.4f", em.trainLoss()),
                    Double.isNaN(em.validationLoss()) ? ""
                            : String.format(Locale.ROOT, " validation loss %.4f", em.validationLoss()),
                    eval.hasAccuracy() ? String.format(Locale.ROOT, " accuracy %.4f", em.validationAccuracy()) : "",
                    duration(em.elapsedSeconds()));
            // The checkpoint of an epoch end points at the start of the next epoch.
            epoch++;
            position = 0;
            epochLossSum = 0;
            epochLossCount = 0;
            if (config.checkpointDir() != null) {
                checkpoint(optimizer);
            }
            epoch--;
            listener.onEpoch(em);
        }

        private void checkpoint(AdamW optimizer) throws IOException {
            Path dir = config.checkpointDir();
            TrainingState state = new TrainingState(epoch, position, step, config.seed(), size, accumulation,
                    epochLossSum, epochLossCount, elapsed(), names, config.hyperparameters());
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning(); // encoding may copy device arrays to the host
                lastCheckpoint = CheckpointStore.write(dir, state, params, optimizer.state(), metrics);
            }
            CheckpointStore.prune(dir, config.keepLastCheckpoints());
            metrics.write(dir);
            LOG.info("checkpoint {}", lastCheckpoint);
            listener.onCheckpoint(lastCheckpoint);
        }

        private void restore(NDManager root, AdamW optimizer) throws IOException {
            try (NDManager m = engine.newBaseManager(ai.djl.Device.cpu())) {
                CheckpointStore.Loaded loaded = CheckpointStore.read(from, m);
                TrainingState s = loaded.state();
                if (!s.parameterNames().equals(names)) {
                    throw new InvalidSettingException(from + ": checkpoint holds parameters " + s.parameterNames()
                            + " but the block trains " + names);
                }
                if (s.trainSize() != size) {
                    throw new InvalidSettingException(from + ": checkpoint was written for " + s.trainSize()
                            + " training batches, the source has " + size + ": the data order cannot continue");
                }
                if (s.gradientAccumulation() != accumulation) {
                    throw new InvalidSettingException(from + ": checkpoint used gradientAccumulation "
                            + s.gradientAccumulation() + ", the configuration says " + accumulation);
                }
                if (s.seed() != config.seed()) {
                    throw new InvalidSettingException(from + ": checkpoint used seed " + s.seed()
                            + ", the configuration says " + config.seed());
                }
                if (loaded.parameters().size() != params.size()) {
                    throw new InvalidSettingException(from + ": " + loaded.parameters().size()
                            + " parameter arrays for " + params.size() + " parameters");
                }
                for (int i = 0; i < params.size(); i++) {
                    AdamW.copyInto(loaded.parameters().get(i), params.get(i), from + ": parameter " + names.get(i));
                }
                optimizer.load(loaded.optimizer(), s.step());
                if (!s.config().equals(config.hyperparameters())) {
                    LOG.warn("resuming {} with different hyperparameters:\n  was {}\n  now {}", from, s.config(),
                            config.hyperparameters());
                }
                epoch = s.epoch();
                position = s.position();
                step = s.step();
                epochLossSum = s.epochLossSum();
                epochLossCount = s.epochLossCount();
                elapsedBefore = s.elapsedSeconds();
                metrics = loaded.metrics();
                lastCheckpoint = from;
            }
        }

        private void zeroGradients() {
            for (NDArray p : params) {
                if (p instanceof PtNDArray pt) {
                    JniUtils.zeroGrad(pt);
                } else {
                    try (NDScope scope = new NDScope()) {
                        scope.suppressNotUsedWarning();
                        NDArray g = p.getGradient();
                        g.subi(g);
                    }
                }
            }
        }

        private TrainingDivergedException diverged(String what) {
            String message = String.format(Locale.ROOT,
                    "training diverged: %s at epoch %d/%d, step %d/%d (batch %d of %d in the"
                    + " epoch); parameters were not updated; last good checkpoint: %s", what, epoch + 1,
                    config.epochs(), step + 1, totalSteps, position + 1, size,
                    lastCheckpoint == null ? "none written" : lastCheckpoint);
            return new TrainingDivergedException(message, epoch + 1, step + 1, lastCheckpoint);
        }

        private double elapsed() {
            return elapsedBefore + (startNanos == 0 ? 0 : (System.nanoTime() - startNanos) / 1e9);
        }

        private long parameterCount() {
            return params.stream().mapToLong(NDArray::size).sum();
        }
    }

    private static float scalar(NDArray loss) {
        if (loss.size() != 1) {
            throw new IllegalArgumentException("the task's loss must be a scalar, got shape " + loss.getShape());
        }
        return loss.toType(DataType.FLOAT32, false).toFloatArray()[0];
    }

    /** The epoch's batch order: a Fisher-Yates shuffle seeded from (seed, epoch) only. */
    static int[] epochOrder(long seed, int epoch, int size) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        Random random = new Random(mix(seed, epoch));
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** SplitMix64 finalizer of (seed, index): decorrelated seeds for each epoch and step. */
    static long mix(long seed, long index) {
        long z = seed + 0x9E3779B97F4A7C15L * (index + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static String duration(double seconds) {
        if (!Double.isFinite(seconds)) {
            return "?";
        }
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }

    /** Builds a {@link Trainer}; only the configuration is required. */
    public static final class Builder<B> {
        private final TrainerConfig config;
        private Accuracy<B> accuracy;
        private ProgressListener listener;

        private Builder(TrainerConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        /** Validation accuracy at each epoch end (unless the task's evaluate already reports one). */
        public Builder<B> accuracy(Accuracy<B> accuracy) {
            this.accuracy = accuracy;
            return this;
        }

        /** Receives every step and epoch; the trainer then logs its progress lines at DEBUG instead of INFO. */
        public Builder<B> listener(ProgressListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public Trainer<B> build() {
            return new Trainer<>(config, accuracy, listener);
        }
    }
}
