package ai.kard.core.parity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;
import java.util.function.Function;

/**
 * A loaded fixture model for the backward check: every checkpoint tensor it has a gradient for, by HF name (a tied
 * weight once), and the scalar loss that {@code gradients.json} states, built on the given manager.
 *
 * @param owner closes the model (and anything else the subject loaded)
 * @param parameters the arrays whose gradients are compared with {@code gradients.safetensors}
 * @param loss the forward pass of the stated loss; called inside a gradient collector
 */
record GradientSubject(AutoCloseable owner, Map<String, NDArray> parameters, Function<NDManager, NDArray> loss)
        implements AutoCloseable {

    GradientSubject {
        parameters = Map.copyOf(parameters);
    }

    @Override
    public void close() throws Exception {
        owner.close();
    }
}
