package ai.kard.examples.cli;

import ai.kard.core.train.EpochMetrics;
import ai.kard.core.train.ProgressListener;
import ai.kard.core.train.StepMetrics;
import java.io.PrintWriter;
import java.util.Locale;

/** Training progress on the console: step, loss, tokens/s, ETA; and each epoch's validation figures. */
final class ConsoleProgress implements ProgressListener {
    private final PrintWriter out;
    private final String label;

    ConsoleProgress(PrintWriter out, String label) {
        this.out = out;
        this.label = label;
    }

    @Override
    public void onStep(StepMetrics m) {
        out.printf(Locale.ROOT, "%s epoch %d step %d/%d loss %.4f lr %.2e tokens/s %.0f eta %.0fs%n", label,
                m.epoch(), m.step(), m.totalSteps(), m.loss(), m.learningRate(), m.tokensPerSecond(), m.etaSeconds());
        out.flush();
    }

    @Override
    public void onEpoch(EpochMetrics m) {
        // Figures a run did not measure (no validation set, no accuracy hook) are left out, never printed as NaN.
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%s epoch %d done: train loss %.4f", label,
                m.epoch(), m.trainLoss()));
        if (!Double.isNaN(m.validationLoss())) {
            line.append(String.format(Locale.ROOT, ", validation loss %.4f", m.validationLoss()));
        }
        if (!Double.isNaN(m.validationAccuracy())) {
            line.append(String.format(Locale.ROOT, ", validation accuracy %.3f", m.validationAccuracy()));
        }
        out.printf(Locale.ROOT, "%s (%.0fs)%n", line, m.elapsedSeconds());
        out.flush();
    }
}
