package ai.kard.onnx.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The wire format as protobuf defines it (the encodings of its documentation's examples). */
class ProtoWriterTest {
    @Test
    void varintsTagsAndLengthsAreProtobufs() {
        // protobuf's own example: field 1 = 150 is 08 96 01; field 2 = "testing" is 12 07 74 65 73 74 69 6e 67.
        assertThat(new ProtoWriter().varint(1, 150).toByteArray()).containsExactly(0x08, 0x96, 0x01);
        assertThat(new ProtoWriter().string(2, "testing").toByteArray())
                .containsExactly(0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67);
        // A negative int64 (an axis of -1) takes ten bytes, as two's complement.
        assertThat(new ProtoWriter().varint(3, -1).toByteArray()).hasSize(11);
        assertThat(new ProtoWriter().float32(2, 1f).toByteArray()).containsExactly(0x15, 0x00, 0x00, 0x80, 0x3f);
    }

    @Test
    void fieldSizeIsWhatAMessageFieldTakes() {
        ProtoWriter inner = new ProtoWriter().bytes(9, new byte[300]);
        ProtoWriter outer = new ProtoWriter().message(5, inner);
        assertThat(ProtoWriter.fieldSize(5, inner.size())).isEqualTo(outer.size());
        assertThat(ProtoWriter.varintSize(127)).isEqualTo(1);
        assertThat(ProtoWriter.varintSize(128)).isEqualTo(2);
    }

    @Test
    void anExactlySizedWriterHandsOutItsBuffer() {
        ProtoWriter writer = new ProtoWriter(3).varint(1, 150);
        byte[] first = writer.toByteArray();
        assertThat(writer.toByteArray()).isSameAs(first);
    }
}
