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
    private final List<Initializer> initializers = new ArrayList<>();
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
        initializers.add(new Initializer(name, FLOAT, data.array(), dims));
        return name;
    }

    /** An int64 initializer; returns its name. */
    String longs(String name, long[] values, long... dims) {
        ByteBuffer data = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        data.asLongBuffer().put(values);
        initializers.add(new Initializer(name, INT64, data.array(), dims));
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

    /**
     * The {@code ModelProto} bytes, producer {@code producer}: sized first, then written once into a buffer of
     * exactly that size, so the weights are copied once (into the model), not once per nesting level.
     */
    byte[] model(String graphName, String producer, String version) {
        ProtoWriter head = new ProtoWriter().varint(1, IR_VERSION).string(2, producer).string(3, version);
        ProtoWriter tail = new ProtoWriter().message(8, new ProtoWriter().string(1, "").varint(2, OPSET));
        if (usesMicrosoftDomain) {
            tail.message(8, new ProtoWriter().string(1, MICROSOFT).varint(2, 1));
        }
        ProtoWriter name = new ProtoWriter().string(2, graphName);
        long graphSize = name.size();
        for (ProtoWriter node : nodes) {
            graphSize += ProtoWriter.fieldSize(1, node.size());
        }
        for (Initializer initializer : initializers) {
            graphSize += ProtoWriter.fieldSize(5, initializer.header().size() + ProtoWriter.fieldSize(9,
                    initializer.raw().length));
        }
        for (ProtoWriter input : inputs) {
            graphSize += ProtoWriter.fieldSize(11, input.size());
        }
        for (ProtoWriter output : outputs) {
            graphSize += ProtoWriter.fieldSize(12, output.size());
        }
        long total = head.size() + ProtoWriter.fieldSize(7, graphSize) + tail.size();
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("the ONNX model would take " + total + " bytes: over protobuf's 2 GB");
        }
        ProtoWriter model = new ProtoWriter((int) total);
        model.write(head.toByteArray()).lengthDelimited(7, graphSize);
        nodes.forEach(n -> model.message(1, n));
        model.write(name.toByteArray());
        for (Initializer initializer : initializers) {
            ProtoWriter header = initializer.header();
            model.lengthDelimited(5, header.size() + ProtoWriter.fieldSize(9, initializer.raw().length));
            model.write(header.toByteArray()).bytes(9, initializer.raw());
        }
        inputs.forEach(i -> model.message(11, i));
        outputs.forEach(o -> model.message(12, o));
        model.write(tail.toByteArray());
        return model.toByteArray();
    }

    /** A {@code TensorProto} held as its small fields and its little-endian {@code raw_data}. */
    private record Initializer(String name, int elementType, byte[] raw, long[] dims) {
        ProtoWriter header() {
            ProtoWriter tensor = new ProtoWriter();
            for (long dim : dims) {
                tensor.varint(1, dim);
            }
            return tensor.varint(2, elementType).string(8, name);
        }
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
