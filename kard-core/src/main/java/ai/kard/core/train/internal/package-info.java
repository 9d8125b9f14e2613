/**
 * Implementation detail of the trainer (the optimizer, gradient clipping, checkpoint files, the metrics log and
 * its {@code loss.png}): not API, may change in any release.
 */
package ai.kard.core.train.internal;
