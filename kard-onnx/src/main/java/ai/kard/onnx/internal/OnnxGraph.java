package ai.kard.onnx.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds an ONNX model (opset 17 of the default domain, and version 1 of ONNX Runtime's {@code com.microsoft}
 * domain when a node uses it) node by node and writes its {@code ModelProto} bytes. Field numbers are those of
 * {@code onnx/onnx.proto}; tensors are stored as little-endian {@code raw_data}.
 */
final class OnnxGraph {
    static final int IR_VERSION = 8;
    static final int OPSET = 17;
    static final int FLOAT = 1;
    static final int INT32 = 6;
    static final int INT64 = 7;
    /** ONNX Runtime's contrib operators (fused attention, skip-LayerNorm, bias-GELU). */
    static final String MICROSOFT = "com.microsoft";

    private final List<ProtoWriter> nodes = new ArrayList<>();
    private final List<ProtoWriter> initializers = new ArrayList<>();
    private final List<ProtoWriter> inputs = new ArrayList<>();
    private final List<ProtoWriter> outputs = new ArrayList<>();
    private int names;
    private boolean usesMicrosoftDomain;

    /** A graph input of {@code elementType} whose dimensions are symbolic names or, as Long, fixed sizes. */
    String input(String name, int elementType, Object... dims) {
        inputs.add(valueInfo(name, elementType, dims));
        return name;
    }

    /** Marks {@code value} as a graph output named {@code name} (an Identity node renames it). */
    void output(String value, String name, int elementType, Object... dims) {
        node("Identity", List.of(value), name);
        outputs.add(valueInfo(name, elementType, dims));
    }

    /** A float32 initializer; returns its name. */
    String floats(String name, float[] values, long... dims) {
        ByteBuffer data = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        data.asFloatBuffer().put(values);
        initializers.add(tensor(name, FLOAT, data.array(), dims));
        return name;
    }

    /** An int64 initializer; returns its name. */
    String longs(String name, long[] values, long... dims) {
        ByteBuffer data = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        data.asLongBuffer().put(values);
        initializers.add(tensor(name, INT64, data.array(), dims));
        return name;
    }

    /** A scalar float32 constant. */
    String scalar(float value) {
        return floats("const_" + (names++), new float[] {value});
    }

    /** A 1-D int64 constant. */
    String vector(long... values) {
        return longs("const_" + (names++), values, values.length);
    }

    /** Adds a node with one output and no attributes; returns the output's name. */
    String op(String opType, String... operands) {
        return op(opType, List.of(operands), List.of());
    }

    /** Adds a node with one output; returns the output's name. */
    String op(String opType, List<String> operands, List<Attribute> attributes) {
        return op("", opType, operands, attributes);
    }

    /** Adds a node of {@code domain} ("" for ONNX's own) with one output; returns the output's name. */
    String op(String domain, String opType, List<String> operands, List<Attribute> attributes) {
        String output = opType.toLowerCase(java.util.Locale.ROOT) + "_" + (names++);
        node(domain, opType, operands, output, attributes);
        return output;
    }

    private void node(String opType, List<String> operands, String output) {
        node("", opType, operands, output, List.of());
    }

    private void node(String domain, String opType, List<String> operands, String output,
            List<Attribute> attributes) {
        ProtoWriter node = new ProtoWriter();
        for (String operand : operands) {
            node.string(1, operand); // "" marks an optional input left out
        }
        node.string(2, output).string(3, output).string(4, opType);
        for (Attribute attribute : attributes) {
            node.message(5, attribute.proto());
        }
        if (!domain.isEmpty()) {
            node.string(7, domain);
            usesMicrosoftDomain |= domain.equals(MICROSOFT);
        }
        nodes.add(node);
    }

    /** The {@code ModelProto} bytes, producer {@code producer}. */
    byte[] model(String graphName, String producer, String version) {
        ProtoWriter graph = new ProtoWriter();
        nodes.forEach(n -> graph.message(1, n));
        graph.string(2, graphName);
        initializers.forEach(t -> graph.message(5, t));
        inputs.forEach(i -> graph.message(11, i));
        outputs.forEach(o -> graph.message(12, o));
        ProtoWriter model = new ProtoWriter().varint(1, IR_VERSION).string(2, producer).string(3, version)
                .message(7, graph).message(8, new ProtoWriter().string(1, "").varint(2, OPSET));
        if (usesMicrosoftDomain) {
            model.message(8, new ProtoWriter().string(1, MICROSOFT).varint(2, 1));
        }
        return model.toByteArray();
    }

    private static ProtoWriter tensor(String name, int elementType, byte[] raw, long... dims) {
        ProtoWriter tensor = new ProtoWriter();
        for (long dim : dims) {
            tensor.varint(1, dim);
        }
        return tensor.varint(2, elementType).string(8, name).bytes(9, raw);
    }

    private static ProtoWriter valueInfo(String name, int elementType, Object... dims) {
        ProtoWriter shape = new ProtoWriter();
        for (Object dim : dims) {
            ProtoWriter dimension = dim instanceof Long size ? new ProtoWriter().varint(1, size)
                    : new ProtoWriter().string(2, dim.toString());
            shape.message(1, dimension);
        }
        ProtoWriter tensorType = new ProtoWriter().varint(1, elementType).message(2, shape);
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
    }

    /** A node attribute: an int, a float or a list of ints. */
    record Attribute(String name, ProtoWriter proto) {
        static Attribute of(String name, long value) {
            return new Attribute(name, new ProtoWriter().string(1, name).varint(3, value).varint(20, 2));
        }

        static Attribute of(String name, float value) {
            return new Attribute(name, new ProtoWriter().string(1, name).float32(2, value).varint(20, 1));
        }

        static Attribute ints(String name, long... values) {
            ProtoWriter proto = new ProtoWriter().string(1, name);
            for (long value : values) {
                proto.varint(8, value);
            }
            return new Attribute(name, proto.varint(20, 7));
        }
    }
}
