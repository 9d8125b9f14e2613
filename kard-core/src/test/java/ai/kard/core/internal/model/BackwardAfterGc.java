package ai.kard.core.internal.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import java.util.List;

/**
 * The regression check for DJL freeing arrays built from Java buffers while autograd still holds them: a GC between
 * the forward and the backward pass must leave every gradient finite.
 */
public final class BackwardAfterGc {
    private BackwardAfterGc() {
    }

    /** Three training passes of {@code model} on the batch, each with a GC before backward; gradients finite. */
    public static void assertFiniteGradients(LanguageModel model, List<int[]> prompts, List<int[]> targets)
            throws InterruptedException {
        for (Pair<String, Parameter> e : model.block().getParameters()) {
            e.getValue().getArray().setRequiresGradient(true);
        }
        try (NDManager m = NDManager.newBaseManager()) {
            for (int step = 0; step < 3; step++) {
                try (NDManager stepManager = m.newSubManager();
                     GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray loss = model.loss(stepManager, prompts, targets);
                    System.gc();
                    Thread.sleep(20);
                    collector.backward(loss);
                }
                for (Pair<String, Parameter> e : model.block().getParameters()) {
                    NDArray gradient = e.getValue().getArray().getGradient();
                    assertThat(gradient.isNaN().any().getBoolean()).as(e.getKey()).isFalse();
                    assertThat(gradient.isInfinite().any().getBoolean()).as(e.getKey()).isFalse();
                }
            }
        }
    }
}
