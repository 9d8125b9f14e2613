package ai.kard.core.internal.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import java.util.List;

/**
 * What a {@link Trainer} trains: a block and a loss on one batch. Model-agnostic: the T5 students, decoder
 * students and the reranker each implement it.
 *
 * <p>Contract: the block is initialized and its parameters live on the trainer's device, in float32. Every
 * parameter of {@code block().getParameters()} that requires a gradient is trained (freeze one with
 * {@code Parameter.freeze(true)} to exclude it). {@link #loss} runs inside an {@link NDScope} that the
 * trainer closes after each step: every array created during the call, on any manager, is freed then, so a
 * block must not cache arrays created during a forward pass across steps (create caches before training).
 *
 * <p>A resumed run starts from a checkpoint with a freshly built task, possibly in another process: the loss of a
 * batch must depend only on the parameters and the batch, never on state the task accumulates across calls (a
 * visit counter, a shared random generator). Randomness that should change from epoch to epoch comes from the
 * epoch that {@link BatchSource#batch(int, int)} receives.
 */
public interface TrainingTask<B> {

    Block block();

    /**
     * The scalar mean loss of one batch. In training it is called inside a gradient collector; create
     * inputs on {@code stepManager}, which is closed after the step.
     */
    NDArray loss(NDManager stepManager, B batch);

    /**
     * The loss used for validation; override to run the forward pass without dropout (training=false).
     * Called outside any gradient collector.
     */
    default NDArray validationLoss(NDManager manager, B batch) {
        return loss(manager, batch);
    }

    /**
     * Mean validation loss over the batches (each batch weighs the same). Override to also report an
     * accuracy; otherwise the trainer's {@link Accuracy} hook, when given, supplies it.
     */
    default EvalResult evaluate(NDManager manager, List<B> validation) {
        if (validation == null || validation.isEmpty()) {
            return EvalResult.ofLoss(Double.NaN);
        }
        double sum = 0;
        for (B batch : validation) {
            try (NDScope scope = new NDScope(); NDManager m = manager.newSubManager()) {
                scope.suppressNotUsedWarning();
                sum += validationLoss(m, batch).toType(DataType.FLOAT32, false).getFloat();
            }
        }
        return EvalResult.ofLoss(sum / validation.size());
    }
}
