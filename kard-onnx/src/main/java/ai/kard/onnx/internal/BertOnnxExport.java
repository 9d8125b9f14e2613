package ai.kard.onnx.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.kard.core.Kard;
import ai.kard.core.internal.model.bert.BertConfig;
import ai.kard.core.internal.model.bert.BertEncoder;
import ai.kard.onnx.internal.OnnxGraph.Attribute;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link BertEncoder} as an ONNX model: inputs {@code input_ids} and {@code attention_mask}
 * ({@code [batch, sequence]}, int64), output {@code last_hidden_state} ({@code [batch, sequence, hidden]}, float32).
 * Two forms of the same function:
 * <ul>
 * <li>{@link Form#STANDARD}: only ONNX's own operators (opset 17), in the shapes of PyTorch's export of HF's
 * {@code BertModel} (MatMul + Add per projection, heads by Reshape and Transpose, {@code x * 0.5 * (1 + erf(x /
 * sqrt 2))}): a file any ONNX runtime reads;</li>
 * <li>{@link Form#ONNX_RUNTIME}: each layer as ONNX Runtime's fused kernels ({@code com.microsoft} domain):
 * {@code Attention} (one packed query/key/value projection, the mask, softmax and the heads in one operator),
 * {@code SkipLayerNormalization} (bias, residual and LayerNorm) and {@code BiasGelu} / {@code FastGelu}: 7
 * operators per layer instead of about 28, which matters most for one sequence at a time.</li>
 * </ul>
 * Token types are absent in Kard's encoder calls, so the token-type row 0 is added to every position row once, here.
 */
public final class BertOnnxExport {
    /** Which operators the graph is written with. */
    public enum Form {
        /** ONNX's own operators only: portable. */
        STANDARD,
        /** ONNX Runtime's fused contrib operators: fastest on ORT. */
        ONNX_RUNTIME
    }

    static final String INPUT_IDS = "input_ids";
    static final String ATTENTION_MASK = "attention_mask";
    static final String LAST_HIDDEN_STATE = "last_hidden_state";
    /** What a padded key adds to the attention scores (HF's exports use the same finite value). */
    private static final float MASKED_SCORE = -10000f;

    private BertOnnxExport() {
    }

    /**
     * The ONNX model bytes of {@code encoder}'s current weights (read once; later training does not change them).
     *
     * @param encoder the encoder to export
     * @param form which operators to write the graph with
     * @return a serialized {@code ModelProto}
     */
    public static byte[] toOnnx(BertEncoder encoder, Form form) {
        BertConfig c = encoder.config();
        Map<String, Parameter> weights = encoder.parameters();
        OnnxGraph g = new OnnxGraph();
        long hidden = c.hiddenSize();
        String ids = g.input(INPUT_IDS, OnnxGraph.INT64, "batch", "sequence");
        String mask = g.input(ATTENTION_MASK, OnnxGraph.INT64, "batch", "sequence");

        float[] positions = values(weights, "embeddings.position_embeddings.weight");
        float[] types = values(weights, "embeddings.token_type_embeddings.weight");
        for (int i = 0; i < positions.length; i++) {
            positions[i] += types[i % c.hiddenSize()];
        }
        String words = g.op("Gather", g.floats("word_embeddings", values(weights, "embeddings.word_embeddings.weight"),
                c.vocabSize(), hidden), ids);
        String length = g.op("Shape", List.of(ids), List.of(Attribute.of("start", 1L), Attribute.of("end", 2L)));
        String positionRows = g.op("Slice", g.floats("position_embeddings", positions, c.maxPositionEmbeddings(),
                hidden), g.vector(0), length, g.vector(0));
        String h = layerNorm(g, weights, g.op("Add", words, positionRows), "embeddings.LayerNorm.", c);

        if (form == Form.ONNX_RUNTIME) {
            // Attention takes the raw mask (1 keep, 0 padding) as int32 and adds -10000 at padded keys itself.
            String rawMask = g.op("Cast", List.of(mask), List.of(Attribute.of("to", (long) OnnxGraph.INT32)));
            for (int i = 0; i < c.numHiddenLayers(); i++) {
                h = fusedLayer(g, weights, h, rawMask, "encoder.layer." + i + ".", c);
            }
        } else {
            // (1 - mask) * -10000 as [batch, 1, 1, sequence]: 0 for tokens, a large negative score for padding.
            String floatMask = g.op("Cast", List.of(mask), List.of(Attribute.of("to", (long) OnnxGraph.FLOAT)));
            String additiveMask = g.op("Mul", g.op("Sub", g.scalar(1f), floatMask), g.scalar(MASKED_SCORE));
            additiveMask = g.op("Unsqueeze", additiveMask, g.vector(1, 2));
            Shapes shapes = new Shapes(g.scalar((float) Math.sqrt(c.headDim())),
                    g.vector(0, 0, c.numAttentionHeads(), c.headDim()), g.vector(0, 0, c.hiddenSize()));
            for (int i = 0; i < c.numHiddenLayers(); i++) {
                h = standardLayer(g, weights, h, additiveMask, shapes, "encoder.layer." + i + ".", c);
            }
        }
        g.output(h, LAST_HIDDEN_STATE, OnnxGraph.FLOAT, "batch", "sequence", hidden);
        return g.model("kard-bert-encoder", "kard", Kard.VERSION);
    }

    /** The constants every layer of the standard form shares: sqrt(head size), the head and merged shapes. */
    private record Shapes(String scale, String heads, String merged) {
    }

    /** One BERT layer in ONNX's own operators, as PyTorch exports it. */
    private static String standardLayer(OnnxGraph g, Map<String, Parameter> weights, String h, String additiveMask,
            Shapes shapes, String p, BertConfig c) {
        String q = heads(g, linear(g, weights, h, p + "attention.self.query."), shapes.heads(), 0, 2, 1, 3);
        String kT = heads(g, linear(g, weights, h, p + "attention.self.key."), shapes.heads(), 0, 2, 3, 1);
        String v = heads(g, linear(g, weights, h, p + "attention.self.value."), shapes.heads(), 0, 2, 1, 3);
        String scores = g.op("Add", g.op("Div", g.op("MatMul", q, kT), shapes.scale()), additiveMask);
        String probabilities = g.op("Softmax", List.of(scores), List.of(Attribute.of("axis", -1L)));
        String context = g.op("Transpose", List.of(g.op("MatMul", probabilities, v)),
                List.of(Attribute.ints("perm", 0, 2, 1, 3)));
        context = g.op("Reshape", context, shapes.merged());
        String attention = layerNorm(g, weights,
                g.op("Add", linear(g, weights, context, p + "attention.output.dense."), h),
                p + "attention.output.LayerNorm.", c);
        String intermediate = activation(g, linear(g, weights, attention, p + "intermediate.dense."), c.hiddenAct());
        return layerNorm(g, weights, g.op("Add", linear(g, weights, intermediate, p + "output.dense."), attention),
                p + "output.LayerNorm.", c);
    }

    /** One BERT layer in ONNX Runtime's fused operators: Attention, SkipLayerNormalization, BiasGelu/FastGelu. */
    private static String fusedLayer(OnnxGraph g, Map<String, Parameter> weights, String h, String rawMask,
            String p, BertConfig c) {
        int hidden = c.hiddenSize();
        String self = p + "attention.self.";
        float[] packed = new float[hidden * 3 * hidden];
        float[] packedBias = new float[3 * hidden];
        String[] parts = {"query.", "key.", "value."};
        for (int part = 0; part < 3; part++) {
            float[] w = values(weights, self + parts[part] + "weight"); // [out, in]
            for (int o = 0; o < hidden; o++) {
                for (int k = 0; k < hidden; k++) {
                    packed[k * 3 * hidden + part * hidden + o] = w[o * hidden + k];
                }
            }
            System.arraycopy(values(weights, self + parts[part] + "bias"), 0, packedBias, part * hidden, hidden);
        }
        String context = g.op(OnnxGraph.MICROSOFT, "Attention", List.of(h,
                g.floats(self + "qkv.weight", packed, hidden, 3L * hidden),
                g.floats(self + "qkv.bias", packedBias, 3L * hidden), rawMask),
                List.of(Attribute.of("num_heads", (long) c.numAttentionHeads())));
        String attention = skipLayerNorm(g, weights, matMul(g, weights, context, p + "attention.output.dense."), h,
                p + "attention.output.", c);
        String intermediate = matMul(g, weights, attention, p + "intermediate.dense.");
        String bias = bias(g, weights, p + "intermediate.dense.");
        String activated = switch (c.hiddenAct()) {
            case "gelu" -> g.op(OnnxGraph.MICROSOFT, "BiasGelu", List.of(intermediate, bias), List.of());
            case "gelu_new", "gelu_pytorch_tanh" ->
                g.op(OnnxGraph.MICROSOFT, "FastGelu", List.of(intermediate, bias), List.of());
            case "relu" -> g.op("Relu", g.op("Add", intermediate, bias));
            default -> throw new IllegalArgumentException("hidden_act " + c.hiddenAct() + " has no ONNX form here");
        };
        return skipLayerNorm(g, weights, matMul(g, weights, activated, p + "output.dense."), attention, p + "output.",
                c);
    }

    /** {@code LayerNorm(x + skip + dense bias)} with the {@code prefix}'s dense bias and LayerNorm. */
    private static String skipLayerNorm(OnnxGraph g, Map<String, Parameter> weights, String x, String skip,
            String prefix, BertConfig c) {
        String norm = prefix + "LayerNorm.";
        return g.op(OnnxGraph.MICROSOFT, "SkipLayerNormalization", List.of(x, skip,
                g.floats(norm + "weight", values(weights, norm + "weight"), c.hiddenSize()),
                g.floats(norm + "bias", values(weights, norm + "bias"), c.hiddenSize()),
                bias(g, weights, prefix + "dense.")), List.of(Attribute.of("epsilon", (float) c.layerNormEps())));
    }

    /** {@code x W^T + b} with W stored transposed ({@code [in, out]}), as PyTorch exports {@code nn.Linear}. */
    private static String linear(OnnxGraph g, Map<String, Parameter> weights, String x, String prefix) {
        return g.op("Add", matMul(g, weights, x, prefix), bias(g, weights, prefix));
    }

    /** {@code x W^T}, W stored transposed. */
    private static String matMul(OnnxGraph g, Map<String, Parameter> weights, String x, String prefix) {
        Parameter weight = weights.get(prefix + "weight");
        long[] shape = weight.getArray().getShape().getShape();
        int out = Math.toIntExact(shape[0]);
        int in = Math.toIntExact(shape[1]);
        float[] w = values(weights, prefix + "weight");
        float[] transposed = new float[w.length];
        for (int o = 0; o < out; o++) {
            for (int k = 0; k < in; k++) {
                transposed[k * out + o] = w[o * in + k];
            }
        }
        return g.op("MatMul", x, g.floats(prefix + "weight", transposed, in, out));
    }

    /** The {@code prefix}'s bias as an initializer (once per name). */
    private static String bias(OnnxGraph g, Map<String, Parameter> weights, String prefix) {
        float[] values = values(weights, prefix + "bias");
        return g.floats(prefix + "bias", values, values.length);
    }

    private static String heads(OnnxGraph g, String x, String headShape, long... perm) {
        return g.op("Transpose", List.of(g.op("Reshape", x, headShape)), List.of(Attribute.ints("perm", perm)));
    }

    private static String layerNorm(OnnxGraph g, Map<String, Parameter> weights, String x, String prefix,
            BertConfig c) {
        return g.op("LayerNormalization", List.of(x, g.floats(prefix + "weight", values(weights, prefix + "weight"),
                c.hiddenSize()), g.floats(prefix + "bias", values(weights, prefix + "bias"), c.hiddenSize())),
                List.of(Attribute.of("axis", -1L), Attribute.of("epsilon", (float) c.layerNormEps())));
    }

    private static String activation(OnnxGraph g, String x, String hiddenAct) {
        return switch (hiddenAct) {
            // HF's exact GELU, in the node pattern ORT fuses (Div, Erf, Add, Mul, Mul).
            case "gelu" -> g.op("Mul", g.op("Mul", x, g.op("Add", g.op("Erf", g.op("Div", x,
                    g.scalar((float) Math.sqrt(2)))), g.scalar(1f))), g.scalar(0.5f));
            // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
            case "gelu_new", "gelu_pytorch_tanh" -> {
                String cube = g.op("Mul", g.op("Mul", x, x), x);
                String inner = g.op("Mul", g.op("Add", x, g.op("Mul", cube, g.scalar(0.044715f))),
                        g.scalar((float) Math.sqrt(2 / Math.PI)));
                yield g.op("Mul", g.op("Mul", x, g.scalar(0.5f)), g.op("Add", g.op("Tanh", inner), g.scalar(1f)));
            }
            case "relu" -> g.op("Relu", x);
            default -> throw new IllegalArgumentException("hidden_act " + hiddenAct + " has no ONNX form here");
        };
    }

    private static float[] values(Map<String, Parameter> weights, String name) {
        NDArray array = weights.get(name).getArray();
        if (array.getDataType() == DataType.FLOAT32) {
            return array.toFloatArray();
        }
        try (NDArray converted = array.toType(DataType.FLOAT32, true)) {
            return converted.toFloatArray();
        }
    }
}
