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
        out.printf(Locale.ROOT, "%s epoch %d step %d/%d loss %.4f lr %.2e tokens/s %.0f eta %.0fs%n", label, m.epoch(), m.step(),
                m.totalSteps(), m.loss(), m.learningRate(), m.tokensPerSecond(), m.etaSeconds());
        out.flush();
    }

    @Override
    public void onEpoch(EpochMetrics m) {
        out.printf(Locale.ROOT, "%s epoch %d done: train loss %.4f, validation loss %.4f, validation accuracy %.3f (%.0fs)%n",
                label, m.epoch(), m.trainLoss(), m.validationLoss(), m.validationAccuracy(), m.elapsedSeconds());
        out.flush();
    }
}
