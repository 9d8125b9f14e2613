package ai.kard.examples.cli;

import ai.kard.api.InvalidSettingException;
import ai.kard.core.rerank.LateInteractionReranker;
import ai.kard.onnx.OnnxRuntimeInference;
import picocli.CommandLine.Option;

/**
 * {@code --reranker-runtime pytorch|onnx}: where a reranker's encoders run at inference, for every command that
 * reranks (a picocli mixin). {@code onnx} writes them as ONNX graphs and runs them on ONNX Runtime (kard-onnx),
 * faster on CPU for one question at a time; scores agree with PyTorch's within float rounding.
 */
final class RerankerRuntimeOption {
    @Option(names = "--reranker-runtime", paramLabel = "pytorch|onnx", description = "where the reranker's encoders"
            + " run at inference: pytorch (DJL, the default) or onnx (ONNX Runtime, faster on CPU at small batches)")
    String runtime;

    /** Rejects an unknown value before any model is loaded. */
    void check() {
        if (runtime != null && !runtime.equals("pytorch") && !runtime.equals("onnx")) {
            throw new InvalidSettingException("--reranker-runtime " + runtime + ": expected pytorch or onnx");
        }
    }

    /** Moves {@code reranker} (when there is one) onto ONNX Runtime when asked; {@code threads} per call, 0 = ORT's. */
    void apply(LateInteractionReranker reranker, int threads) {
        if (reranker != null && "onnx".equals(runtime)) {
            OnnxRuntimeInference.install(reranker, threads);
        }
    }
}
