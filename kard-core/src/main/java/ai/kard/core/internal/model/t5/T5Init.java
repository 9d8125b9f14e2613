package ai.kard.core.internal.model.t5;

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
    /**
     * config.json key: how to initialise the relative position biases, {@code "hf"} (HF's small random values) or
     * {@code "local"} ({@link #localBias}).
     */
    static final String POSITION_INIT_KEY = "kard_relative_bias_init";

    private T5Init() {
    }

    /**
     * Seeded random weights for {@code c}; {@code embeddingStd} is the standard deviation of {@code shared} and
     * {@code lm_head}, or NaN for HF's; {@code localPositions} starts the relative position biases at
     * {@link #localBias} instead of HF's random values.
     */
    static Map<String, NDArray> create(T5Config c, double embeddingStd, boolean localPositions, long seed,
            NDManager manager, DataType dataType) {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, long[]> entry : T5Parameters.expectedShapes(c).entrySet()) {
                String name = entry.getKey();
                long[] shape = entry.getValue();
                int count = Math.toIntExact(new Shape(shape).size());
                float[] values = new float[count];
                double std = isEmbedding(name) && !Double.isNaN(embeddingStd) ? embeddingStd : std(c, name);
                if (localPositions && name.endsWith("relative_attention_bias.weight")) {
                    values = localBias(c, name.startsWith("encoder."));
                } else if (std == 0) {
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

    /**
     * A relative position bias table {@code [buckets, heads]} (row-major) that makes head {@code h} prefer nearby
     * positions from the first step: {@code -2^-h} per position of distance (the bucket's smallest distance), so head
     * 0 is sharply local and the last heads nearly uniform, as ALiBi's fixed slopes (Press et al. 2022). In the
     * encoder, even heads lean left and odd heads right (the other side decays four times faster), so that a token
     * can tell the word before it from the word after it.
     *
     * <p>Why: T5 has no other position signal. From HF's random init (std {@code d_model^-0.5}), AdamW moves each
     * bias by at most about the learning rate per step, so a student trained for a few hundred steps keeps biases
     * of about +-0.2: its attention is position-blind (a bag of words), and it cannot tell which name in a passage
     * is the drug and which the disease (measured on the demo: the tables stayed noise after 6 epochs). The biases
     * stay trainable; only their starting point changes.
     */
    static float[] localBias(T5Config c, boolean bidirectional) {
        int buckets = c.numBuckets();
        int heads = c.numHeads();
        // Smallest distance (and its side) that falls in each bucket.
        int[] distance = new int[buckets];
        boolean[] right = new boolean[buckets];
        java.util.Arrays.fill(distance, -1);
        int reach = 4 * c.maxDistance();
        for (int n = 0; n <= reach; n++) {
            for (int sign : bidirectional ? new int[] {-1, 1} : new int[] {-1}) {
                int b = T5RelativePosition.bucket(sign * n, bidirectional, buckets, c.maxDistance());
                if (distance[b] < 0) {
                    distance[b] = n;
                    right[b] = sign > 0 && n > 0;
                }
            }
        }
        float[] table = new float[buckets * heads];
        for (int b = 0; b < buckets; b++) {
            for (int h = 0; h < heads; h++) {
                double slope = Math.pow(2, -h);
                boolean against = bidirectional && distance[b] > 0 && (right[b] == (h % 2 == 0));
                table[b * heads + h] = (float) (-slope * Math.max(distance[b], 0) * (against ? 4 : 1));
            }
        }
        return table;
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
