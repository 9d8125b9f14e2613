package ai.kard.core.model.t5;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * HF's {@code T5PreTrainedModel._init_weights}: normal weights with factor-scaled standard deviations, layer norms
 * at 1. Each tensor draws from its own stream derived from the seed and its name, so the result depends only on
 * (config, seed), not on the order or the thread.
 *
 * <p>One Kard option, {@value #EMBEDDING_STD_KEY} in config.json, replaces HF's standard deviation of the
 * embedding and the untied LM head ({@code initializer_factor}, 1.0): from-scratch presets trained with AdamW need
 * small ones (see {@link T5Presets}). Transformers ignores the key.
 */
final class T5Init {
    /** config.json key: standard deviation of {@code shared} and {@code lm_head} at initialisation. */
    static final String EMBEDDING_STD_KEY = "kard_embedding_init_std";

    private T5Init() {
    }

    /**
     * Seeded random weights for {@code c}; {@code embeddingStd} is the standard deviation of {@code shared} and
     * {@code lm_head}, or NaN for HF's.
     */
    static Map<String, NDArray> create(T5Config c, double embeddingStd, long seed, NDManager manager,
            DataType dataType) {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, long[]> entry : T5Parameters.expectedShapes(c).entrySet()) {
                String name = entry.getKey();
                long[] shape = entry.getValue();
                int count = Math.toIntExact(new Shape(shape).size());
                float[] values = new float[count];
                double std = isEmbedding(name) && !Double.isNaN(embeddingStd) ? embeddingStd : std(c, name);
                if (std == 0) {
                    java.util.Arrays.fill(values, (float) c.initializerFactor()); // layer norms
                } else {
                    SplittableRandom random = new SplittableRandom(seed ^ nameHash(name));
                    for (int i = 0; i < count; i++) {
                        values[i] = (float) (random.nextGaussian() * std);
                    }
                }
                NDArray array = manager.create(values, new Shape(shape));
                if (dataType != DataType.FLOAT32) {
                    NDArray converted = array.toType(dataType, false);
                    array.close();
                    array = converted;
                }
                arrays.put(name, array);
            }
        } catch (RuntimeException e) {
            arrays.values().forEach(NDArray::close);
            throw e;
        }
        return arrays;
    }

    private static boolean isEmbedding(String name) {
        return name.equals(T5Parameters.SHARED) || name.equals(T5Parameters.LM_HEAD);
    }

    /** The standard deviation HF uses for {@code name}; 0 for layer norms (filled with the factor). */
    static double std(T5Config c, String name) {
        double f = c.initializerFactor();
        if (name.endsWith("layer_norm.weight")) {
            return 0;
        }
        if (name.equals(T5Parameters.SHARED) || name.equals(T5Parameters.LM_HEAD)) {
            return f;
        }
        if (name.endsWith("relative_attention_bias.weight")) {
            return f * Math.pow(c.dModel(), -0.5);
        }
        if (name.endsWith(".q.weight")) {
            return f * Math.pow((double) c.dModel() * c.dKv(), -0.5);
        }
        if (name.endsWith(".k.weight") || name.endsWith(".v.weight")) {
            return f * Math.pow(c.dModel(), -0.5);
        }
        if (name.endsWith(".o.weight")) {
            return f * Math.pow((double) c.numHeads() * c.dKv(), -0.5);
        }
        if (name.endsWith(".wo.weight")) {
            return f * Math.pow(c.dFf(), -0.5);
        }
        if (name.contains(".wi")) {
            return f * Math.pow(c.dModel(), -0.5);
        }
        throw new IllegalStateException("no initialisation rule for " + name);
    }

    private static long nameHash(String name) {
        long h = 0xcbf29ce484222325L; // FNV-1a, stable across JVMs
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return h;
    }
}
