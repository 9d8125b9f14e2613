package ai.kard.core.rerank;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * Another runtime for a scorer's encoder at inference time (kard-onnx runs it on ONNX Runtime): the same function
 * as the scorer's own encoder, computed elsewhere. Training and anything under autograd keep the scorer's own
 * encoder. Implementations are thread-safe.
 *
 * @see LateInteractionScorer#runInferenceOn(InferenceEncoder)
 */
public interface InferenceEncoder extends AutoCloseable {
    /**
     * Last hidden states {@code [N, L, hidden]} of the right-padded {@code sequences} and their mask {@code [N, L]}
     * (int64, 1 for tokens), both in {@code manager}.
     *
     * @param manager the manager that receives the result
     * @param sequences token ids, each with [CLS] and [SEP]
     * @return the states and the mask
     */
    NDList forward(NDManager manager, List<int[]> sequences);

    /** Releases the runtime's resources. */
    @Override
    void close();
}
