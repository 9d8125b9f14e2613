package ai.kard.core.internal.train;

/**
 * Validation figures of one epoch.
 *
 * @param loss mean validation loss over batches (NaN when there is no validation data)
 * @param accuracy accuracy in [0, 1], NaN when not measured
 */
public record EvalResult(double loss, double accuracy) {

    public boolean hasAccuracy() {
        return !Double.isNaN(accuracy);
    }

    /** A result with loss only. */
    public static EvalResult ofLoss(double loss) {
        return new EvalResult(loss, Double.NaN);
    }
}
