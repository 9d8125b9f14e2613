package ai.kard.onnx.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.kard.core.internal.model.bert.BertEncoder;
import ai.kard.core.internal.model.bert.PaddedBatch;
import ai.kard.core.internal.model.common.EngineArrays;
import ai.kard.core.rerank.InferenceEncoder;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.List;
import java.util.Map;

/**
 * A {@link BertEncoder}'s forward pass for inference on ONNX Runtime: the encoder's weights, written once as an
 * ONNX graph by {@link BertOnnxExport} (by default in ORT's fused attention, GELU and skip-LayerNorm operators), run
 * by ORT's CPU kernels and GEMM. Same inputs and outputs as {@link BertEncoder#forward(NDManager, List)};
 * thread-safe (an ORT session serves concurrent calls).
 */
public final class OnnxEncoder implements InferenceEncoder {
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final int padTokenId;
    private final int hiddenSize;

    private OnnxEncoder(OrtEnvironment environment, OrtSession session, int padTokenId, int hiddenSize) {
        this.environment = environment;
        this.session = session;
        this.padTokenId = padTokenId;
        this.hiddenSize = hiddenSize;
    }

    /**
     * An ORT session for {@code encoder}'s current weights.
     *
     * @param encoder the encoder to run
     * @param intraOpThreads ORT's threads per call (0: ORT's default, one per core)
     * @return the encoder on ORT
     * @throws OrtException when ORT rejects the graph
     */
    public static OnnxEncoder of(BertEncoder encoder, int intraOpThreads) throws OrtException {
        return of(encoder, intraOpThreads, BertOnnxExport.Form.ONNX_RUNTIME);
    }

    /**
     * As {@link #of(BertEncoder, int)} with the graph written in {@code form}.
     *
     * @param encoder the encoder to run
     * @param intraOpThreads ORT's threads per call (0: ORT's default, one per core)
     * @param form the operators of the graph
     * @return the encoder on ORT
     * @throws OrtException when ORT rejects the graph
     */
    public static OnnxEncoder of(BertEncoder encoder, int intraOpThreads, BertOnnxExport.Form form)
            throws OrtException {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            // Batch sizes and lengths vary call to call: a memory plan cached per input shape, or an arena sized by
            // the largest call so far, would only grow in a long-lived process (no speed difference measured at
            // batch 1 and 8 with all-MiniLM-L6-v2).
            options.setMemoryPatternOptimization(false);
            options.setCPUArenaAllocator(false);
            OrtSession session = environment.createSession(BertOnnxExport.toOnnx(encoder, form), options);
            return new OnnxEncoder(environment, session, encoder.config().padTokenId(),
                    encoder.config().hiddenSize());
        }
    }

    /**
     * Last hidden states {@code [B, L, H]} of right-padded {@code sequences} and their mask {@code [B, L]} (int64),
     * both in {@code manager}, as {@link BertEncoder#forward(NDManager, List)} returns them.
     *
     * @param manager the manager that receives the result
     * @param sequences token ids
     * @return the states and the mask
     */
    @Override
    public NDList forward(NDManager manager, List<int[]> sequences) {
        PaddedBatch padded = PaddedBatch.of(sequences, padTokenId);
        int batch = padded.rows();
        int length = padded.length();
        float[] states = hiddenStates(padded.ids(), padded.mask(), batch, length);
        // Engine-owned, as the PyTorch encoder's outputs are (see EngineArrays).
        NDArray statesArray = EngineArrays.of(manager, states, new Shape(batch, length, hiddenSize));
        NDArray maskArray = EngineArrays.of(manager, padded.mask(), new Shape(batch, length));
        return new NDList(statesArray, maskArray);
    }

    /**
     * Last hidden states, flattened {@code [batch, length, hidden]}, for ids and mask flattened
     * {@code [batch, length]}.
     *
     * @param ids token ids, padding included
     * @param mask 1 for tokens, 0 for padding
     * @param batch sequences
     * @param length tokens per sequence
     * @return the hidden states
     */
    public float[] hiddenStates(long[] ids, long[] mask, int batch, int length) {
        long[] shape = {batch, length};
        try (OnnxTensor idTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape);
                OnnxTensor maskTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(mask), shape);
                OrtSession.Result result = session.run(Map.of(BertOnnxExport.INPUT_IDS, idTensor,
                        BertOnnxExport.ATTENTION_MASK, maskTensor))) {
            FloatBuffer buffer = ((OnnxTensor) result.get(0)).getFloatBuffer();
            float[] states = new float[buffer.remaining()];
            buffer.get(states);
            return states;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on a [" + batch + ", " + length + "] batch: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("could not close the ONNX Runtime session: " + e.getMessage(), e);
        }
    }
}
