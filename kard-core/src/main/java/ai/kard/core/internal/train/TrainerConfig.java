package ai.kard.core.internal.train;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import ai.kard.api.InvalidSettingException;
import java.nio.file.Path;

/**
 * Hyperparameters and run settings of a {@link Trainer}. Build with {@link #builder()}; {@code build()}
 * validates every value and names the bad one.
 *
 * @param epochs passes over the training batches (>= 1)
 * @param learningRate peak learning rate (> 0)
 * @param weightDecay decoupled AdamW decay (>= 0; the KARD reference uses 0)
 * @param beta1 AdamW first-moment decay in [0, 1)
 * @param beta2 AdamW second-moment decay in [0, 1)
 * @param eps AdamW epsilon (> 0)
 * @param schedule CONSTANT or LINEAR (warmup then linear decay to 0)
 * @param warmupFraction LINEAR warmup as a fraction of all optimizer steps, in [0, 1); ignored when
 *     {@code warmupSteps > 0}
 * @param warmupSteps LINEAR warmup in optimizer steps (0: use {@code warmupFraction})
 * @param maxGradNorm global gradient-norm clipping threshold; 0 disables clipping
 * @param gradientAccumulation micro-batches whose gradients are summed (each loss divided by their count)
 *     before one optimizer step
 * @param seed derives the data order of each epoch and the engine's random seed at each step (dropout)
 * @param device the device the task's parameters live on (never chosen implicitly)
 * @param dtype FLOAT32 (the default and, for now, the only value accepted). BFLOAT16 is part of the
 *     contract but rejected: on CPU because the method keeps bf16 to GPUs, on GPU because DJL 0.36's PyTorch
 *     binding has no bfloat16 data type (asking for one aborts the JVM)
 * @param checkpointDir where checkpoints, {@code metrics.jsonl} and {@code loss.png} go; null writes nothing
 * @param keepLastCheckpoints how many checkpoints to keep (>= 1)
 * @param checkpointEverySteps also checkpoint every N optimizer steps; 0 only at epoch ends
 * @param logEverySteps a progress line and a metrics record every N optimizer steps (>= 1)
 */
public record TrainerConfig(
        int epochs,
        double learningRate,
        double weightDecay,
        double beta1,
        double beta2,
        double eps,
        Schedule schedule,
        double warmupFraction,
        int warmupSteps,
        double maxGradNorm,
        int gradientAccumulation,
        long seed,
        Device device,
        DataType dtype,
        Path checkpointDir,
        int keepLastCheckpoints,
        int checkpointEverySteps,
        int logEverySteps) {

    public TrainerConfig {
        if (epochs < 1) {
            throw new InvalidSettingException("epochs " + epochs + " must be >= 1");
        }
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new InvalidSettingException("learningRate " + learningRate + " must be finite and > 0");
        }
        if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
            throw new InvalidSettingException("weightDecay " + weightDecay + " must be finite and >= 0");
        }
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new InvalidSettingException("beta1 " + beta1 + " must be in [0, 1)");
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new InvalidSettingException("beta2 " + beta2 + " must be in [0, 1)");
        }
        if (!(eps > 0) || !Double.isFinite(eps)) {
            throw new InvalidSettingException("eps " + eps + " must be finite and > 0");
        }
        if (schedule == null) {
            throw new InvalidSettingException("schedule is null: use CONSTANT or LINEAR");
        }
        if (!(warmupFraction >= 0 && warmupFraction < 1)) {
            throw new InvalidSettingException("warmupFraction " + warmupFraction + " must be in [0, 1)");
        }
        if (warmupSteps < 0) {
            throw new InvalidSettingException("warmupSteps " + warmupSteps + " must be >= 0");
        }
        if (schedule == Schedule.CONSTANT && (warmupSteps > 0 || warmupFraction > 0)) {
            throw new InvalidSettingException("warmup (steps " + warmupSteps + ", fraction " + warmupFraction
                    + ") needs schedule LINEAR, not CONSTANT");
        }
        if (!(maxGradNorm >= 0) || !Double.isFinite(maxGradNorm)) {
            throw new InvalidSettingException("maxGradNorm " + maxGradNorm + " must be finite and >= 0 (0: off)");
        }
        if (gradientAccumulation < 1) {
            throw new InvalidSettingException("gradientAccumulation " + gradientAccumulation + " must be >= 1");
        }
        if (device == null) {
            throw new InvalidSettingException("device is null: pass an explicit ai.djl.Device such as Device.cpu()");
        }
        if (dtype != DataType.FLOAT32 && dtype != DataType.BFLOAT16) {
            throw new InvalidSettingException("dtype " + dtype + " is not supported: use FLOAT32 or BFLOAT16"
                    + " (float16 overflows in T5)");
        }
        if (dtype == DataType.BFLOAT16 && !device.isGpu()) {
            throw new InvalidSettingException("dtype BFLOAT16 needs a GPU device, got " + device
                    + ": use FLOAT32 on CPU");
        }
        if (dtype == DataType.BFLOAT16) {
            throw new InvalidSettingException("dtype BFLOAT16 on " + device + " is not available: DJL 0.36's"
                    + " PyTorch binding has no bfloat16 type (it aborts the JVM); use FLOAT32");
        }
        if (keepLastCheckpoints < 1) {
            throw new InvalidSettingException("keepLastCheckpoints " + keepLastCheckpoints + " must be >= 1");
        }
        if (checkpointEverySteps < 0) {
            throw new InvalidSettingException(
                    "checkpointEverySteps " + checkpointEverySteps + " must be >= 0 (0: epoch ends only)");
        }
        if (logEverySteps < 1) {
            throw new InvalidSettingException("logEverySteps " + logEverySteps + " must be >= 1");
        }
    }

    /** Warmup steps of the LINEAR schedule for a run of {@code totalSteps} optimizer steps. */
    public long warmupStepsFor(long totalSteps) {
        if (schedule == Schedule.CONSTANT) {
            return 0;
        }
        long w = warmupSteps > 0 ? warmupSteps : Math.round(warmupFraction * totalSteps);
        return Math.min(w, totalSteps);
    }

    /** Defaults: 3 epochs, AdamW lr 1e-4, no decay, betas (0.9, 0.999), eps 1e-8, constant rate, clip 1.0,
     * no accumulation, seed 42, CPU, float32, no checkpoints, keep 2, log every 50 steps. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration's values. */
    public Builder toBuilder() {
        return new Builder().epochs(epochs).learningRate(learningRate).weightDecay(weightDecay)
                .betas(beta1, beta2).eps(eps).schedule(schedule).warmupFraction(warmupFraction)
                .warmupSteps(warmupSteps).maxGradNorm(maxGradNorm).gradientAccumulation(gradientAccumulation)
                .seed(seed).device(device).dtype(dtype).checkpointDir(checkpointDir)
                .keepLastCheckpoints(keepLastCheckpoints).checkpointEverySteps(checkpointEverySteps)
                .logEverySteps(logEverySteps);
    }

    /**
     * The settings that shape the trained weights (everything but output and logging settings), compared on
     * resumption to warn about a changed configuration.
     */
    public String hyperparameters() {
        return toString().replaceAll(",(checkpointDir|keepLast|checkpointEverySteps|logEverySteps)=[^,)]*", "");
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TrainerConfig(epochs=").append(epochs)
                .append(",lr=").append(learningRate)
                .append(",weightDecay=").append(weightDecay)
                .append(",betas=(").append(beta1).append(',').append(beta2).append(')')
                .append(",eps=").append(eps)
                .append(",schedule=").append(schedule);
        if (schedule == Schedule.LINEAR) {
            sb.append(warmupSteps > 0 ? ",warmupSteps=" + warmupSteps : ",warmupFraction=" + warmupFraction);
        }
        return sb.append(",maxGradNorm=").append(maxGradNorm)
                .append(",gradientAccumulation=").append(gradientAccumulation)
                .append(",seed=").append(seed)
                .append(",device=").append(device)
                .append(",dtype=").append(dtype)
                .append(",checkpointDir=").append(checkpointDir)
                .append(",keepLast=").append(keepLastCheckpoints)
                .append(",checkpointEverySteps=").append(checkpointEverySteps)
                .append(",logEverySteps=").append(logEverySteps)
                .append(')').toString();
    }

    /** Fluent builder with bare property names; {@link #build()} validates. */
    public static final class Builder {
        private int epochs = 3;
        private double learningRate = 1e-4;
        private double weightDecay = 0;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double eps = 1e-8;
        private Schedule schedule = Schedule.CONSTANT;
        private double warmupFraction = 0;
        private int warmupSteps = 0;
        private double maxGradNorm = 1.0;
        private int gradientAccumulation = 1;
        private long seed = 42;
        private Device device = Device.cpu();
        private DataType dtype = DataType.FLOAT32;
        private Path checkpointDir;
        private int keepLastCheckpoints = 2;
        private int checkpointEverySteps = 0;
        private int logEverySteps = 50;

        private Builder() {}

        public Builder epochs(int v) { epochs = v; return this; }
        public Builder learningRate(double v) { learningRate = v; return this; }
        public Builder weightDecay(double v) { weightDecay = v; return this; }
        public Builder betas(double b1, double b2) { beta1 = b1; beta2 = b2; return this; }
        public Builder eps(double v) { eps = v; return this; }
        public Builder schedule(Schedule v) { schedule = v; return this; }
        /** LINEAR schedule with warmup over this fraction of all optimizer steps. */
        public Builder linearWarmupFraction(double fraction) {
            schedule = Schedule.LINEAR; warmupFraction = fraction; warmupSteps = 0; return this;
        }
        /** LINEAR schedule with this many warmup steps. */
        public Builder linearWarmupSteps(int steps) {
            schedule = Schedule.LINEAR; warmupSteps = steps; warmupFraction = 0; return this;
        }
        public Builder warmupFraction(double v) { warmupFraction = v; return this; }
        public Builder warmupSteps(int v) { warmupSteps = v; return this; }
        public Builder maxGradNorm(double v) { maxGradNorm = v; return this; }
        public Builder gradientAccumulation(int v) { gradientAccumulation = v; return this; }
        public Builder seed(long v) { seed = v; return this; }
        public Builder device(Device v) { device = v; return this; }
        public Builder dtype(DataType v) { dtype = v; return this; }
        public Builder checkpointDir(Path v) { checkpointDir = v; return this; }
        public Builder keepLastCheckpoints(int v) { keepLastCheckpoints = v; return this; }
        public Builder checkpointEverySteps(int v) { checkpointEverySteps = v; return this; }
        public Builder logEverySteps(int v) { logEverySteps = v; return this; }

        public TrainerConfig build() {
            return new TrainerConfig(epochs, learningRate, weightDecay, beta1, beta2, eps, schedule,
                    warmupFraction, warmupSteps, maxGradNorm, gradientAccumulation, seed, device, dtype,
                    checkpointDir, keepLastCheckpoints, checkpointEverySteps, logEverySteps);
        }
    }
}
