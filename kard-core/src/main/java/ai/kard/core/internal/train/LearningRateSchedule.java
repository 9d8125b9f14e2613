package ai.kard.core.internal.train;

import ai.kard.api.InvalidSettingException;

/**
 * The learning rate of each optimizer step.
 *
 * <p>Step indices are 0-based: {@code learningRate(s)} is the rate of the (s+1)-th update. LINEAR with
 * {@code w} warmup steps over {@code T} total steps gives {@code lr * (s+1)/w} for {@code s < w} (the first
 * update already moves, unlike a schedule that starts at exactly 0) and {@code lr * (T-s)/(T-w)} after, so
 * the rate falls linearly and would reach 0 at step T, one past the last update.
 */
public final class LearningRateSchedule {

    private final Schedule kind;
    private final double learningRate;
    private final long warmupSteps;
    private final long totalSteps;

    public LearningRateSchedule(Schedule kind, double learningRate, long warmupSteps, long totalSteps) {
        if (kind == null) {
            throw new InvalidSettingException("schedule kind is null");
        }
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new InvalidSettingException("learning rate " + learningRate + " must be finite and > 0");
        }
        if (totalSteps < 1) {
            throw new InvalidSettingException("total steps " + totalSteps + " must be >= 1");
        }
        if (warmupSteps < 0 || warmupSteps > totalSteps) {
            throw new InvalidSettingException(
                    "warmup steps " + warmupSteps + " must be in [0, total steps " + totalSteps + "]");
        }
        this.kind = kind;
        this.learningRate = learningRate;
        this.warmupSteps = warmupSteps;
        this.totalSteps = totalSteps;
    }

    /** The schedule of {@code config} for a run of {@code totalSteps} optimizer steps. */
    public static LearningRateSchedule of(TrainerConfig config, long totalSteps) {
        return new LearningRateSchedule(config.schedule(), config.learningRate(),
                config.warmupStepsFor(totalSteps), totalSteps);
    }

    /** The learning rate of the update with 0-based index {@code step}. */
    public double learningRate(long step) {
        if (step < 0) {
            throw new InvalidSettingException("step " + step + " must be >= 0");
        }
        if (kind == Schedule.CONSTANT) {
            return learningRate;
        }
        if (step < warmupSteps) {
            return learningRate * (step + 1) / warmupSteps;
        }
        if (step >= totalSteps) {
            return 0;
        }
        return learningRate * (totalSteps - step) / (double) (totalSteps - warmupSteps);
    }

    public long warmupSteps() {
        return warmupSteps;
    }

    public long totalSteps() {
        return totalSteps;
    }

    @Override
    public String toString() {
        return kind == Schedule.CONSTANT ? "Constant(lr=" + learningRate + ")"
                : "Linear(lr=" + learningRate + ",warmup=" + warmupSteps + ",total=" + totalSteps + ")";
    }
}
