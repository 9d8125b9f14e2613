package ai.kard.core.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import ai.kard.api.InvalidSettingException;
import java.util.Objects;

/**
 * Where and in which precision a model runs. The device is always explicit: {@link #parseDevice} accepts
 * {@code cpu}, {@code gpu} (= gpu:0) and {@code gpu:N}, never "all GPUs".
 */
public record ModelOptions(Device device, DataType dataType) {
    /**
     * Checks the combination and that a GPU device is usable.
     *
     * @param device   the device: {@code Device.cpu()} or one explicit GPU
     * @param dataType float32, or bfloat16 on a GPU
     * @throws ai.kard.api.InvalidSettingException for an unsupported dtype, bfloat16 on the CPU, or a GPU the natives
     *         cannot use
     */
    public ModelOptions {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(dataType, "dataType");
        if (dataType != DataType.FLOAT32 && dataType != DataType.BFLOAT16 && dataType != DataType.FLOAT16) {
            throw new InvalidSettingException("dtype " + dataType + " is not supported; use float32 or bfloat16");
        }
        if (dataType == DataType.BFLOAT16 && !device.isGpu()) {
            throw new InvalidSettingException("bfloat16 weights are a GPU option; on " + device + " use float32");
        }
        requireAvailable(device);
    }

    /**
     * Fails with one line when {@code device} is a GPU that the PyTorch natives on the classpath cannot use: the
     * default {@code pytorch-native-cpu} has no CUDA, and {@code gpu:N} needs at least N + 1 visible GPUs. Loads
     * the engine (a few seconds) only for a GPU; see the README's GPU note for switching to DJL's CUDA natives.
     *
     * @param device the device a model is about to use
     * @throws ai.kard.api.InvalidSettingException when it is a GPU the natives cannot use
     */
    public static void requireAvailable(Device device) {
        if (!device.isGpu()) {
            return;
        }
        Engine engine = Engine.getEngine("PyTorch");
        int gpus = engine.getGpuCount();
        if (device.getDeviceId() >= gpus) {
            String flavor = Objects.toString(engine.getVersion(), "?");
            throw new InvalidSettingException("device " + device + " is not available: " + (gpus == 0
                    ? "the PyTorch " + flavor + " natives in use have no CUDA or see no GPU (the default"
                    + " pytorch-native-cpu is CPU only; the README's GPU note shows how to switch)"
                    : "only " + gpus + " GPU(s) visible") + "; use --device cpu or a visible GPU");
        }
    }

    /**
     * fp32 on the CPU.
     *
     * @return float32 on {@code Device.cpu()}
     */
    public static ModelOptions cpu() {
        return new ModelOptions(Device.cpu(), DataType.FLOAT32);
    }

    /**
     * Parses {@code cpu}, {@code gpu}, {@code gpu:N}.
     *
     * @param text {@code cpu}, {@code gpu} or {@code gpu:N} ({@code cuda} is accepted for {@code gpu})
     * @return the device
     * @throws ai.kard.api.InvalidSettingException for anything else
     */
    public static Device parseDevice(String text) {
        String value = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (value.equals("cpu")) {
            return Device.cpu();
        }
        if (value.equals("gpu") || value.equals("cuda")) {
            return Device.gpu(0);
        }
        if (value.startsWith("gpu:") || value.startsWith("cuda:")) {
            try {
                return Device.gpu(Integer.parseInt(value.substring(value.indexOf(':') + 1)));
            } catch (NumberFormatException e) {
                throw new InvalidSettingException("device \"" + text + "\": expected cpu, gpu or gpu:N");
            }
        }
        throw new InvalidSettingException("device \"" + text + "\": expected cpu, gpu or gpu:N");
    }

    /**
     * Parses {@code float32}/{@code fp32} and {@code bfloat16}/{@code bf16}.
     *
     * @param text {@code float32}/{@code fp32} or {@code bfloat16}/{@code bf16}
     * @return the data type
     * @throws ai.kard.api.InvalidSettingException for anything else
     */
    public static DataType parseDataType(String text) {
        return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "float32", "fp32", "f32" -> DataType.FLOAT32;
            case "bfloat16", "bf16" -> DataType.BFLOAT16;
            case "float16", "fp16", "f16" -> DataType.FLOAT16;
            default -> throw new InvalidSettingException("dtype \"" + text + "\": expected float32 or bfloat16");
        };
    }
}
