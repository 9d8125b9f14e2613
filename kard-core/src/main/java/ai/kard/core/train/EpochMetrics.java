package ai.kard.core.train;

/**
 * Figures of a finished epoch.
 *
 * @param epoch 1-based epoch
 * @param step optimizer steps done at its end
 * @param trainLoss mean training loss over its micro-batches
 * @param validationLoss mean validation loss (NaN without validation data)
 * @param validationAccuracy validation accuracy (NaN when not measured)
 * @param elapsedSeconds training time so far, across resumptions
 */
public record EpochMetrics(int epoch, long step, double trainLoss, double validationLoss,
        double validationAccuracy, double elapsedSeconds) {}
