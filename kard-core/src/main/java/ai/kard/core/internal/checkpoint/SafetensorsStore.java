package ai.kard.core.internal.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.kard.core.checkpoint.CheckpointException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The tensors of a HF model folder: {@code model.safetensors}, or the shards listed in
 * {@code model.safetensors.index.json}. Only headers are read up front; each tensor is memory-mapped on its own
 * when loaded, so files over 2 GiB work and nothing is read twice.
 */
public final class SafetensorsStore {
    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L << 20;

    private final Map<String, TensorInfo> tensors;

    private SafetensorsStore(Map<String, TensorInfo> tensors) {
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    /** Opens a model folder or a single {@code .safetensors} file. */
    public static SafetensorsStore open(Path folderOrFile) throws IOException {
        Map<String, TensorInfo> all = new LinkedHashMap<>();
        if (Files.isRegularFile(folderOrFile)) {
            readHeader(folderOrFile, all);
        } else if (Files.isRegularFile(folderOrFile.resolve(SINGLE_FILE))) {
            readHeader(folderOrFile.resolve(SINGLE_FILE), all);
        } else if (Files.isRegularFile(folderOrFile.resolve(INDEX_FILE))) {
            Path index = folderOrFile.resolve(INDEX_FILE);
            JsonNode map = JSON.readTree(index.toFile()).get("weight_map");
            if (map == null || !map.isObject()) {
                throw new CheckpointException(index, "no \"weight_map\" object");
            }
            Set<String> shards = new java.util.LinkedHashSet<>();
            map.fields().forEachRemaining(e -> shards.add(e.getValue().asText()));
            for (String shard : shards) {
                readHeader(folderOrFile.resolve(shard), all);
            }
        } else {
            throw new CheckpointException(folderOrFile, "no " + SINGLE_FILE + " or " + INDEX_FILE
                    + " (only safetensors checkpoints are supported; convert pytorch_model.bin with"
                    + " transformers' save_pretrained(safe_serialization=True))");
        }
        return new SafetensorsStore(all);
    }

    private static void readHeader(Path file, Map<String, TensorInfo> into) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file, "shard listed in the index is missing");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            if (size < 8) {
                throw new CheckpointException(file, "not a safetensors file (" + size + " bytes)");
            }
            readFully(channel, lengthBytes, 0);
            long headerLength = lengthBytes.flip().getLong();
            if (headerLength <= 0 || headerLength > MAX_HEADER || 8 + headerLength > size) {
                throw new CheckpointException(file, "not a safetensors file (header length " + headerLength + ")");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(channel, headerBytes, 8);
            JsonNode header;
            try {
                header = JSON.readTree(new String(headerBytes.array(), StandardCharsets.UTF_8));
            } catch (com.fasterxml.jackson.core.JacksonException e) {
                throw new CheckpointException(file, "not a safetensors file (its header is not JSON: "
                        + ai.kard.retrieval.internal.JsonMessages.clean(e) + ")");
            }
            if (header == null || !header.isObject()) {
                throw new CheckpointException(file, "not a safetensors file (its header is not a JSON object)");
            }
            long dataStart = 8 + headerLength;
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                if (entry.getKey().equals("__metadata__")) {
                    continue;
                }
                JsonNode value = entry.getValue();
                JsonNode shapeNode = value.get("shape");
                JsonNode offsets = value.get("data_offsets");
                if (shapeNode == null || offsets == null || value.get("dtype") == null || offsets.size() != 2) {
                    throw new CheckpointException(file, "tensor " + entry.getKey() + ": malformed header entry");
                }
                long[] shape = new long[shapeNode.size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = shapeNode.get(i).asLong();
                }
                long begin = offsets.get(0).asLong();
                long end = offsets.get(1).asLong();
                if (begin < 0 || end < begin || dataStart + end > size) {
                    throw new CheckpointException(file, "tensor " + entry.getKey() + ": data offsets [" + begin
                            + ", " + end + "] outside the file");
                }
                TensorInfo info = new TensorInfo(entry.getKey(), value.get("dtype").asText(), shape, file,
                        dataStart + begin, end - begin);
                long expected = info.elementCount() * bytesPerElement(info, file);
                if (expected != info.length()) {
                    throw new CheckpointException(file, "tensor " + info + ": " + info.length()
                            + " bytes stored, shape needs " + expected);
                }
                into.put(info.name(), info);
            }
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, position + buffer.position());
            if (read < 0) {
                throw new java.io.EOFException("unexpected end of file");
            }
        }
    }

    static int bytesPerElement(TensorInfo info, Path file) throws CheckpointException {
        return switch (info.dtype()) {
            case "F32", "I32" -> 4;
            case "F16", "BF16", "I16" -> 2;
            case "F64", "I64" -> 8;
            case "I8", "U8", "BOOL" -> 1;
            default -> throw new CheckpointException(file, "tensor " + info.name() + ": unsupported dtype "
                    + info.dtype());
        };
    }

    private static DataType djlType(TensorInfo info) throws CheckpointException {
        return switch (info.dtype()) {
            case "F32" -> DataType.FLOAT32;
            case "F16" -> DataType.FLOAT16;
            case "BF16" -> DataType.BFLOAT16;
            case "F64" -> DataType.FLOAT64;
            case "I64" -> DataType.INT64;
            case "I32" -> DataType.INT32;
            case "I8" -> DataType.INT8;
            case "U8" -> DataType.UINT8;
            case "BOOL" -> DataType.BOOLEAN;
            default -> throw new CheckpointException(info.file(), "tensor " + info.name()
                    + ": unsupported dtype " + info.dtype());
        };
    }

    private static ByteBuffer widenBfloat16(ByteBuffer bf16, NDManager manager) {
        int count = bf16.remaining() / 2;
        ByteBuffer fp32 = manager.allocateDirect(count * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            fp32.putInt((bf16.getShort() & 0xFFFF) << 16);
        }
        fp32.flip();
        return fp32;
    }

    /** Tensor names in file order. */
    public Set<String> names() {
        return tensors.keySet();
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    public TensorInfo info(String name) {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw new IllegalArgumentException("no tensor named " + name);
        }
        return info;
    }

    /**
     * Loads one tensor into {@code manager}, converted to {@code target} (F16/BF16 checkpoints load as fp32 by
     * default). The mapping is released when this returns.
     */
    public NDArray load(String name, NDManager manager, DataType target) throws IOException {
        TensorInfo info = info(name);
        DataType stored = djlType(info);
        if (info.length() > Integer.MAX_VALUE) {
            throw new CheckpointException(info.file(), "tensor " + info + " is larger than 2 GiB");
        }
        ByteBuffer direct = manager.allocateDirect((int) info.length());
        try (FileChannel channel = FileChannel.open(info.file(), StandardOpenOption.READ)) {
            if (info.length() > 0) {
                MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, info.offset(), info.length());
                direct.put(mapped);
            }
        }
        direct.flip();
        direct.order(ByteOrder.LITTLE_ENDIAN);
        if (stored == DataType.BFLOAT16) {
            // DJL's PyTorch JNI aborts the process on bfloat16 arrays; widen in Java (bf16 is fp32's top half).
            direct = widenBfloat16(direct, manager);
            stored = DataType.FLOAT32;
        }
        NDArray array = manager.create(direct, new Shape(info.shape()), stored);
        if (stored == target) {
            return array;
        }
        NDArray converted = array.toType(target, false);
        array.close();
        return converted;
    }
}
