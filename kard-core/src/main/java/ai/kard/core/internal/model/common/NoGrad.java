package ai.kard.core.internal.model.common;

import ai.djl.pytorch.jni.JniUtils;

/**
 * Turns PyTorch's (thread-local) autograd recording off for an inference call and restores it after. Without
 * it, generating on a thread whose grad mode is on, while a trainer has attached gradients to the weights,
 * would record a graph for every step. Used by every generation, reranking and dense-retrieval call.
 */
public final class NoGrad implements AutoCloseable {
    private final boolean previous;

    public NoGrad() {
        previous = JniUtils.isGradMode();
        if (previous) {
            JniUtils.setGradMode(false);
        }
    }

    @Override
    public void close() {
        if (previous) {
            JniUtils.setGradMode(true);
        }
    }
}
