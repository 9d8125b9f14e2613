package ai.kard.core.internal.train;

import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * Validation accuracy measured by the caller at each epoch end, for example by generating answers and
 * comparing them with the gold options. Runs outside any gradient collector.
 */
@FunctionalInterface
public interface Accuracy<B> {

    /**
     * @param manager a manager freed after the call: create every array on it (or a sub-manager)
     * @param validation the validation batches given to {@link Trainer#fit}
     * @return accuracy in [0, 1]
     */
    double compute(NDManager manager, List<B> validation);
}
