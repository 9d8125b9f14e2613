package ai.kard.core.internal.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes tensors as one {@code .safetensors} file (HF format, {@code "format": "pt"}), atomically. */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsWriter() {
    }

    /** Writes {@code tensors} (name → array, in the order given) to {@code file}. */
    public static void write(Path file, Map<String, NDArray> tensors) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        header.putObject("__metadata__").put("format", "pt");
        List<byte[]> payloads = new ArrayList<>(tensors.size());
        long offset = 0;
        for (Map.Entry<String, NDArray> entry : new LinkedHashMap<>(tensors).entrySet()) {
            NDArray array = entry.getValue();
            if (array.getDataType() == DataType.BFLOAT16) {
                throw new IllegalArgumentException("tensor " + entry.getKey()
                        + ": convert bfloat16 weights to float32 before saving");
            }
            String dtype = dtypeName(array.getDataType(), entry.getKey());
            ByteBuffer data = array.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            ObjectNode info = header.putObject(entry.getKey());
            info.put("dtype", dtype);
            var shape = info.putArray("shape");
            for (long dim : array.getShape().getShape()) {
                shape.add(dim);
            }
            info.putArray("data_offsets").add(offset).add(offset + bytes.length);
            offset += bytes.length;
            payloads.add(bytes);
        }
        byte[] headerBytes = JSON.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (headerBytes.length + 7) / 8 * 8;
        byte[] headerPadded = new byte[padded];
        java.util.Arrays.fill(headerPadded, (byte) ' ');
        System.arraycopy(headerBytes, 0, headerPadded, 0, headerBytes.length);
        AtomicFiles.write(file, out -> {
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            out.write(length.array());
            out.write(headerPadded);
            for (byte[] payload : payloads) {
                out.write(payload);
            }
        });
    }

    private static String dtypeName(DataType type, String name) {
        return switch (type) {
            case FLOAT32 -> "F32";
            case FLOAT16 -> "F16";
            case BFLOAT16 -> "BF16";
            case FLOAT64 -> "F64";
            case INT64 -> "I64";
            case INT32 -> "I32";
            case INT8 -> "I8";
            case UINT8 -> "U8";
            case BOOLEAN -> "BOOL";
            default -> throw new IllegalArgumentException("tensor " + name + ": cannot save dtype " + type);
        };
    }
}
