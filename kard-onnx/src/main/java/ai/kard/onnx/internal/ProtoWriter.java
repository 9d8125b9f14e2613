package ai.kard.onnx.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes one protocol-buffers message in the wire format: the few field kinds an ONNX model needs (varints,
 * 32-bit floats, length-delimited bytes, strings and nested messages). ONNX's schema is small and stable, so this
 * keeps the protobuf runtime and generated ONNX classes off users' classpath. A writer created with the exact size
 * of its message hands out its buffer without a copy (a model is mostly weights: copies would multiply them).
 */
final class ProtoWriter {
    private static final int VARINT = 0;
    private static final int LENGTH_DELIMITED = 2;
    private static final int FIXED32 = 5;

    private byte[] buffer;
    private int size;

    ProtoWriter() {
        this(64);
    }

    /** A writer whose buffer starts at {@code capacity} bytes. */
    ProtoWriter(int capacity) {
        this.buffer = new byte[capacity];
    }

    ProtoWriter varint(int field, long value) {
        tag(field, VARINT);
        rawVarint(value);
        return this;
    }

    ProtoWriter float32(int field, float value) {
        tag(field, FIXED32);
        int bits = Float.floatToIntBits(value);
        for (int shift = 0; shift < 32; shift += 8) {
            write(bits >>> shift);
        }
        return this;
    }

    ProtoWriter bytes(int field, byte[] value) {
        lengthDelimited(field, value.length);
        write(value);
        return this;
    }

    ProtoWriter string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    ProtoWriter message(int field, ProtoWriter message) {
        lengthDelimited(field, message.size);
        write(message.buffer, message.size);
        return this;
    }

    /** The tag and length of a length-delimited field whose {@code length} bytes the caller writes next. */
    ProtoWriter lengthDelimited(int field, long length) {
        tag(field, LENGTH_DELIMITED);
        rawVarint(length);
        return this;
    }

    /** Appends bytes as they are (the body of a field opened with {@link #lengthDelimited}). */
    ProtoWriter write(byte[] bytes) {
        write(bytes, bytes.length);
        return this;
    }

    int size() {
        return size;
    }

    /** The message; the buffer itself when it is exactly full. */
    byte[] toByteArray() {
        return size == buffer.length ? buffer : Arrays.copyOf(buffer, size);
    }

    /** Bytes of a length-delimited field with a body of {@code length} bytes. */
    static long fieldSize(int field, long length) {
        return varintSize((long) field << 3) + varintSize(length) + length;
    }

    static int varintSize(long value) {
        int bytes = 1;
        long v = value;
        while ((v & ~0x7FL) != 0) {
            bytes++;
            v >>>= 7;
        }
        return bytes;
    }

    private void tag(int field, int wireType) {
        rawVarint(((long) field << 3) | wireType);
    }

    private void rawVarint(long value) {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        write((int) v);
    }

    private void write(int b) {
        ensure(1);
        buffer[size++] = (byte) b;
    }

    private void write(byte[] bytes, int length) {
        ensure(length);
        System.arraycopy(bytes, 0, buffer, size, length);
        size += length;
    }

    private void ensure(int more) {
        if (size + more > buffer.length) {
            long wanted = Math.max((long) size + more, 2L * buffer.length);
            if (wanted > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("an ONNX model must stay under 2 GB (protobuf's limit)");
            }
            buffer = Arrays.copyOf(buffer, (int) wanted);
        }
    }
}
