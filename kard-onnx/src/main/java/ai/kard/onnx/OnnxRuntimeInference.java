package ai.kard.onnx;

import ai.djl.Device;
import ai.kard.api.InvalidSettingException;
import ai.kard.core.rerank.LateInteractionReranker;
import ai.kard.core.rerank.LateInteractionScorer;
import ai.kard.onnx.internal.OnnxEncoder;
import ai.onnxruntime.OrtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a trained reranker's inference onto ONNX Runtime: each of its encoders (the question side and, when it has
 * its own, the passage side) is written as an ONNX graph from its current weights and from then on encodes on ORT,
 * whose CPU kernels are faster than PyTorch's at small batches (one question at a time). Scores agree with the
 * PyTorch encoder's within float rounding (1e-4 on the hidden states). Training is unaffected: it runs under
 * autograd, which always takes the PyTorch encoder.
 *
 * <pre>{@code
 * LateInteractionReranker reranker = LateInteractionReranker.load(folder);
 * OnnxRuntimeInference.install(reranker, 2);
 * }</pre>
 */
public final class OnnxRuntimeInference {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxRuntimeInference.class);

    private OnnxRuntimeInference() {
    }

    /**
     * Runs {@code reranker}'s encoders on ONNX Runtime with {@code intraOpThreads} threads per call (0: one per
     * core); the reranker owns the sessions and closes them with itself.
     *
     * @param reranker a trained or loaded reranker
     * @param intraOpThreads ORT's threads per call, 0 for its default
     * @throws InvalidSettingException for negative threads or an encoder on a GPU
     * @throws IllegalStateException when ONNX Runtime rejects the graph or cannot load on this platform
     */
    public static void install(LateInteractionReranker reranker, int intraOpThreads) {
        install(reranker.scorer(), intraOpThreads);
    }

    /**
     * Runs {@code scorer}'s encoder, and its passage side's when that is another scorer, on ONNX Runtime: for a
     * scorer used without a reranker, such as the bi-encoder of a {@code DenseKnowledgeBase}.
     *
     * @param scorer a trained or pretrained scorer
     * @param intraOpThreads ORT's threads per call, 0 for its default
     * @throws InvalidSettingException for negative threads or an encoder on a GPU
     * @throws IllegalStateException when ONNX Runtime rejects the graph or cannot load on this platform
     */
    public static void install(LateInteractionScorer scorer, int intraOpThreads) {
        if (intraOpThreads < 0) {
            throw new InvalidSettingException("intra-op threads must be >= 0, got " + intraOpThreads);
        }
        Device device = scorer.encoder().device();
        if (!Device.Type.CPU.equals(device.getDeviceType())) {
            throw new InvalidSettingException("the encoder runs on " + device + ": kard-onnx runs ONNX Runtime's CPU"
                    + " kernels, for CPU inference; keep a GPU encoder on PyTorch");
        }
        installOne(scorer, intraOpThreads);
        LateInteractionScorer passages = scorer.passageSide();
        if (passages != scorer) {
            installOne(passages, intraOpThreads);
        }
    }

    private static void installOne(LateInteractionScorer scorer, int intraOpThreads) {
        long start = System.nanoTime();
        try {
            scorer.runInferenceOn(OnnxEncoder.of(scorer.encoder(), intraOpThreads));
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime could not load the encoder: " + e.getMessage(), e);
        }
        LOG.info("encoder {} runs inference on ONNX Runtime ({} intra-op threads; graph written and loaded in {} ms)",
                scorer.encoder().config(), intraOpThreads == 0 ? "default" : intraOpThreads,
                (System.nanoTime() - start) / 1_000_000);
    }
}
