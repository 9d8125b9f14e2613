/**
 * Not API: the ONNX writer (protobuf wire format, graph builder), the BERT encoder's graph and its ORT session.
 */
package ai.kard.onnx.internal;
