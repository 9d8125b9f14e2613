package ai.kard.core.train;

import ai.kard.core.internal.train.TokenCounted;

/**
 * Progress at a logging step.
 *
 * @param epoch 1-based epoch
 * @param step optimizer steps done so far (all epochs)
 * @param totalSteps optimizer steps of the whole run
 * @param loss mean training loss of the micro-batches since the previous log step
 * @param learningRate learning rate of the last update
 * @param gradNorm global gradient norm of the last update, before clipping
 * @param tokensPerSecond throughput since the previous log step (NaN when batches are not
 *     {@link TokenCounted})
 * @param elapsedSeconds training time so far, across resumptions
 * @param etaSeconds estimated time to the end of training (validation excluded)
 */
public record StepMetrics(int epoch, long step, long totalSteps, double loss, double learningRate,
        double gradNorm, double tokensPerSecond, double elapsedSeconds, double etaSeconds) {}
