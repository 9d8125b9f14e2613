package ai.kard.core.rerank;

import ai.kard.api.InvalidSettingException;

/**
 * A temperature annealed from {@code start} to {@code end} (KARD's tau1 and tau2): with
 * {@code alpha_t = 2 / (1 + exp(-10 t / T)) - 1} (0 at the first step, about 1 at the last),
 * {@code tau_t = start - alpha_t * (start - end)}.
 *
 * @param start temperature at step 0 (> 0)
 * @param end   temperature approached at the last step (> 0)
 */
record TemperatureSchedule(double start, double end) {
    public TemperatureSchedule {
        if (!(start > 0) || !Double.isFinite(start) || !(end > 0) || !Double.isFinite(end)) {
            throw new InvalidSettingException("temperatures must be finite and > 0, got " + start + " -> " + end);
        }
    }

    /** The annealing weight alpha_t in [0, 1) at {@code step} of {@code totalSteps}. */
    public static double alpha(long step, long totalSteps) {
        if (totalSteps <= 0) {
            return 0;
        }
        double t = Math.min(step, totalSteps) / (double) totalSteps;
        return 2 / (1 + Math.exp(-10 * t)) - 1;
    }

    /** The temperature at {@code step} of {@code totalSteps}. */
    public double at(long step, long totalSteps) {
        return start - alpha(step, totalSteps) * (start - end);
    }

    @Override
    public String toString() {
        return start + "->" + end;
    }
}
