package ai.kard.onnx;

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
     * @throws IllegalStateException when ONNX Runtime rejects the graph or cannot load on this platform
     */
    public static void install(LateInteractionReranker reranker, int intraOpThreads) {
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException("intra-op threads must be >= 0, got " + intraOpThreads);
        }
        LateInteractionScorer questions = reranker.scorer();
        install(questions, intraOpThreads);
        LateInteractionScorer passages = questions.passageSide();
        if (passages != questions) {
            install(passages, intraOpThreads);
        }
    }

    private static void install(LateInteractionScorer scorer, int intraOpThreads) {
        try {
            scorer.runInferenceOn(OnnxEncoder.of(scorer.encoder(), intraOpThreads));
            LOG.info("encoder {} now runs inference on ONNX Runtime ({} intra-op threads)", scorer.encoder().config(),
                    intraOpThreads == 0 ? "default" : intraOpThreads);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime could not load the encoder: " + e.getMessage(), e);
        }
    }
}
