/**
 * Kard on ONNX Runtime: {@link ai.kard.onnx.OnnxRuntimeInference} moves a trained reranker's encoders onto ORT for
 * inference. An optional module: only applications that add {@code ai.kard:kard-onnx} carry ONNX Runtime.
 */
package ai.kard.onnx;
