package ai.kard.core.internal.model.t5;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every T5 weight as a DJL {@link Parameter} named by its HF tensor name, in HF order, so a trainer can take
 * {@code getParameters()}, attach gradients and update the arrays in place. The forward pass is computed by
 * {@link T5Model} directly with NDArray ops, not through {@link #forward}.
 */
final class T5Parameters extends AbstractBlock {
    static final String SHARED = "shared.weight";
    static final String LM_HEAD = "lm_head.weight";

    T5Parameters(Map<String, NDArray> arrays) {
        for (Map.Entry<String, NDArray> entry : arrays.entrySet()) {
            addParameter(Parameter.builder().setName(entry.getKey()).setType(Parameter.Type.WEIGHT)
                    .optArray(entry.getValue()).build());
        }
    }

    /** The HF tensor names and shapes a T5 of {@code config} has, in the order HF saves them. */
    static Map<String, long[]> expectedShapes(T5Config c) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        long d = c.dModel();
        long inner = c.innerDim();
        shapes.put(SHARED, new long[] {c.vocabSize(), d});
        for (String stack : new String[] {"encoder", "decoder"}) {
            int layers = stack.equals("encoder") ? c.numLayers() : c.numDecoderLayers();
            for (int i = 0; i < layers; i++) {
                String block = stack + ".block." + i + ".layer.";
                attention(shapes, block + "0.SelfAttention.", d, inner);
                if (i == 0) {
                    shapes.put(block + "0.SelfAttention.relative_attention_bias.weight",
                            new long[] {c.numBuckets(), c.numHeads()});
                }
                shapes.put(block + "0.layer_norm.weight", new long[] {d});
                int ff = 1;
                if (stack.equals("decoder")) {
                    attention(shapes, block + "1.EncDecAttention.", d, inner);
                    shapes.put(block + "1.layer_norm.weight", new long[] {d});
                    ff = 2;
                }
                String dense = block + ff + ".DenseReluDense.";
                if (c.gated()) {
                    shapes.put(dense + "wi_0.weight", new long[] {c.dFf(), d});
                    shapes.put(dense + "wi_1.weight", new long[] {c.dFf(), d});
                } else {
                    shapes.put(dense + "wi.weight", new long[] {c.dFf(), d});
                }
                shapes.put(dense + "wo.weight", new long[] {d, c.dFf()});
                shapes.put(block + ff + ".layer_norm.weight", new long[] {d});
            }
            shapes.put(stack + ".final_layer_norm.weight", new long[] {d});
        }
        if (!c.tiedEmbeddings()) {
            shapes.put(LM_HEAD, new long[] {c.vocabSize(), d});
        }
        return shapes;
    }

    private static void attention(Map<String, long[]> shapes, String prefix, long d, long inner) {
        shapes.put(prefix + "q.weight", new long[] {inner, d});
        shapes.put(prefix + "k.weight", new long[] {inner, d});
        shapes.put(prefix + "v.weight", new long[] {inner, d});
        shapes.put(prefix + "o.weight", new long[] {d, inner});
    }

    Parameter get(String name) {
        Parameter parameter = parameters.get(name);
        if (parameter == null) {
            throw new IllegalStateException("no T5 parameter " + name);
        }
        return parameter;
    }

    Map<String, Parameter> byName() {
        return parameters;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        throw new UnsupportedOperationException("T5 runs through T5Model.loss / logits / generate");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        throw new UnsupportedOperationException("T5 runs through T5Model.loss / logits / generate");
    }

    @Override
    protected void initializeChildBlocks(ai.djl.ndarray.NDManager manager, DataType dataType, Shape... inputShapes) {
        // Arrays are set at construction (loaded or seeded): nothing to initialise.
    }

    @Override
    public String toString() {
        return "T5Parameters(" + parameters.size() + " tensors)";
    }
}
