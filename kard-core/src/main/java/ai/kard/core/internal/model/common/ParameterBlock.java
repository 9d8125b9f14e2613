package ai.kard.core.internal.model.common;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The one DJL {@link ai.djl.nn.Block} that owns every weight of a decoder-only model, each {@link Parameter} named by
 * its Hugging Face tensor name. Trainers take {@code getParameters()}, attach gradients and update the arrays in
 * place; the forward pass is the model's own NDArray code, so {@link #forward} is not used.
 */
public final class ParameterBlock extends AbstractBlock {

    public ParameterBlock() {
        super((byte) 1);
    }

    /** Adds a parameter holding {@code array} (the block takes no ownership beyond the parameter). */
    public Parameter add(String hfName, NDArray array) {
        Parameter parameter = Parameter.builder().setName(hfName)
                .setType(hfName.endsWith("bias") ? Parameter.Type.BIAS : Parameter.Type.WEIGHT)
                .optShape(array.getShape()).optArray(array).build();
        return addParameter(parameter);
    }

    /** Adds {@code parameter} as it is (a copy head's, which keeps its own names). */
    public Parameter add(Parameter parameter) {
        return addParameter(parameter);
    }

    /** The current array of parameter {@code hfName}. */
    public NDArray array(String hfName) {
        Parameter parameter = parameters.get(hfName);
        if (parameter == null) {
            throw new IllegalArgumentException("no parameter named " + hfName);
        }
        return parameter.getArray();
    }

    /** The current array of {@code hfName}, or null when the model has no such tensor (an absent bias). */
    public NDArray arrayOrNull(String hfName) {
        Parameter parameter = parameters.get(hfName);
        return parameter == null ? null : parameter.getArray();
    }

    public boolean has(String hfName) {
        return parameters.containsKey(hfName);
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        throw new UnsupportedOperationException("call the model's loss/generate; this block only holds parameters");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        throw new UnsupportedOperationException("this block only holds parameters");
    }
}
