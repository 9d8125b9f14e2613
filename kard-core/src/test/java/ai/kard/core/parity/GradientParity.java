package ai.kard.core.parity;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import ai.kard.core.internal.checkpoint.SafetensorsStore;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The backward half of a fixture (README section "gradients.safetensors + gradients.json"): the gradient of the
 * stated loss with respect to every checkpoint tensor must match HF's element-wise within
 * {@code abs_fraction * max(max|ref| of the tensor, floor_fraction * max|ref| over all tensors) + rel * |ref|}.
 * The floor keeps gradients that are zero in exact arithmetic (softmax ignores a key bias) from demanding
 * exact zeros, while a detached or forgotten tensor (gradient all zero) still fails.
 */
final class GradientParity {
    static final String GRADIENTS = "gradients.safetensors";
    static final String DESCRIPTION = "gradients.json";

    private GradientParity() {
    }

    static boolean present(Path fixture) {
        return Files.isRegularFile(fixture.resolve(GRADIENTS)) && Files.isRegularFile(fixture.resolve(DESCRIPTION));
    }

    /**
     * Computes the subject's gradients in one backward pass and compares them with the fixture's.
     *
     * @param gcBeforeBackward forces a garbage collection between forward and backward: DJL frees arrays built from
     *     Java buffers when their Java object is collected, even while autograd still needs them (the failure
     *     {@code ai.kard.core.internal.model.BackwardAfterGc} guards against), so this variant catches such an array anywhere
     *     in a model's forward pass
     */
    static void check(Path fixture, JsonNode description, GradientSubject subject, boolean gcBeforeBackward)
            throws Exception {
        String name = fixture.getFileName().toString();
        for (NDArray parameter : subject.parameters().values()) {
            parameter.setRequiresGradient(true);
        }
        Map<String, float[]> actual = new LinkedHashMap<>();
        try (NDManager manager = NDManager.newBaseManager();
             GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray loss = subject.loss().apply(manager);
            float value = loss.toType(DataType.FLOAT32, false).getFloat();
            double stated = description.path("loss_value").asDouble();
            // The forward tolerance of expected.json (abs 1e-4 + rel 1e-4): a wrong loss makes every gradient moot.
            if (!(Math.abs(value - stated) <= 1e-4 + 1e-4 * Math.abs(stated))) {
                throw new AssertionError(name + ": loss " + value + ", gradients.json states " + stated + " ("
                        + description.path("loss").asText() + ")");
            }
            if (gcBeforeBackward) {
                System.gc();
                Thread.sleep(20);
            }
            collector.backward(loss);
            for (Map.Entry<String, NDArray> e : subject.parameters().entrySet()) {
                actual.put(e.getKey(), e.getValue().getGradient().toFloatArray());
            }
        }

        SafetensorsStore reference = SafetensorsStore.open(fixture.resolve(GRADIENTS));
        if (!new TreeSet<>(reference.names()).equals(new TreeSet<>(actual.keySet()))) {
            TreeSet<String> missing = new TreeSet<>(reference.names());
            missing.removeAll(actual.keySet());
            TreeSet<String> extra = new TreeSet<>(actual.keySet());
            extra.removeAll(reference.names());
            throw new AssertionError(name + ": gradient tensors differ from " + GRADIENTS + ": without a gradient in"
                    + " Kard " + missing + ", not in the fixture " + extra);
        }
        Map<String, float[]> expected = new LinkedHashMap<>();
        double globalMax = 0;
        try (NDManager manager = NDManager.newBaseManager()) {
            for (String tensor : reference.names()) {
                float[] values = reference.load(tensor, manager, DataType.FLOAT32).toFloatArray();
                expected.put(tensor, values);
                globalMax = Math.max(globalMax, maxAbs(values));
            }
        }
        JsonNode t = description.path("tolerance");
        double absFraction = t.path("abs_fraction").asDouble();
        double floorFraction = t.path("floor_fraction").asDouble();
        double rel = t.path("rel").asDouble();
        for (Map.Entry<String, float[]> e : expected.entrySet()) {
            String tensor = e.getKey();
            float[] ref = e.getValue();
            float[] got = actual.get(tensor);
            if (got.length != ref.length) {
                throw new AssertionError(name + " gradient of " + tensor + ": " + got.length + " values, expected "
                        + ref.length);
            }
            double abs = absFraction * Math.max(maxAbs(ref), floorFraction * globalMax);
            double worstRatio = 0;
            int worst = -1;
            for (int i = 0; i < ref.length; i++) {
                double allowed = abs + rel * Math.abs(ref[i]);
                double ratio = Math.abs(got[i] - ref[i]) / allowed;
                if (Double.isNaN(ratio)) { // a NaN gradient is the worst there is
                    worstRatio = ratio;
                    worst = i;
                    break;
                }
                if (ratio > worstRatio) {
                    worstRatio = ratio;
                    worst = i;
                }
            }
            if (worst >= 0 && !(worstRatio <= 1)) {
                throw new AssertionError(String.format("%s gradient of %s%s: index %d is %s, expected %s (error %.3g"
                        + " times the tolerance; max|ref| of the tensor %.3g, max|grad| in Kard %.3g)", name, tensor,
                        gcBeforeBackward ? " (GC before backward)" : "", worst, got[worst], ref[worst], worstRatio,
                        maxAbs(ref), maxAbs(got)));
            }
        }
    }

    private static double maxAbs(float[] values) {
        double max = 0;
        for (float v : values) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }
}
