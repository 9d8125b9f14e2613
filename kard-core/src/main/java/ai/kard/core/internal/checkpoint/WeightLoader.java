package ai.kard.core.internal.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.kard.core.checkpoint.CheckpointException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the tensors an architecture expects, by explicit HF name, the way HF reports problems: every missing
 * tensor is named in one error; tensors the file has but the model does not use are named in one warning.
 *
 * <p>Each expected name may have aliases (T5's {@code encoder.embed_tokens.weight} for {@code shared.weight}),
 * and the whole checkpoint may carry a prefix ({@code bert.}, {@code model.}, {@code transformer.}) or lack
 * one: {@link #prefixes} lists the ones to try, first match wins.
 */
public final class WeightLoader {
    private static final Logger LOG = LoggerFactory.getLogger(WeightLoader.class);

    private final Map<String, long[]> expected = new LinkedHashMap<>();
    private final Map<String, List<String>> aliases = new LinkedHashMap<>();
    private final List<String> prefixes = new ArrayList<>(List.of(""));
    private Predicate<String> ignored = name -> false;

    /** Expects {@code name} with this shape (null: any shape). */
    public WeightLoader expect(String name, long... shape) {
        expected.put(name, shape.length == 0 ? null : shape);
        return this;
    }

    /** Also accepts {@code alias} as the stored name of {@code name}. */
    public WeightLoader alias(String name, String alias) {
        aliases.computeIfAbsent(name, k -> new ArrayList<>()).add(alias);
        return this;
    }

    /** Prefixes the stored names may carry (the empty prefix is always tried first). */
    public WeightLoader prefixes(String... more) {
        prefixes.addAll(Arrays.asList(more));
        return this;
    }

    /** Stored tensors that are not weights (buffers such as GPT-2's {@code attn.bias}): never reported. */
    public WeightLoader ignore(Predicate<String> unusedButExpected) {
        ignored = ignored.or(unusedButExpected);
        return this;
    }

    /**
     * Loads every expected tensor into {@code manager} as {@code dtype}, keyed by its expected name.
     *
     * @throws CheckpointException naming every missing tensor, or a shape mismatch
     */
    public Map<String, NDArray> load(SafetensorsStore store, Path source, NDManager manager, DataType dtype)
            throws IOException {
        Map<String, String> resolved = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (String name : expected.keySet()) {
            String stored = resolve(store, name);
            if (stored == null) {
                missing.add(name);
            } else {
                resolved.put(name, stored);
            }
        }
        if (!missing.isEmpty()) {
            throw new CheckpointException(source, missing.size() + " tensor(s) missing from the checkpoint: "
                    + String.join(", ", missing));
        }
        Set<String> used = new HashSet<>(resolved.values());
        List<String> unexpected = store.names().stream()
                .filter(n -> !used.contains(n) && !ignored.test(n) && !isAliasOfUsed(n, used)).toList();
        if (!unexpected.isEmpty()) {
            LOG.warn("{}: {} tensor(s) in the checkpoint are not used by the model: {}", source,
                    unexpected.size(), String.join(", ", unexpected));
        }
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, String> entry : resolved.entrySet()) {
                TensorInfo info = store.info(entry.getValue());
                long[] shape = expected.get(entry.getKey());
                if (shape != null && !Arrays.equals(shape, info.shape())) {
                    throw new CheckpointException(source, "tensor " + info.name() + " has shape "
                            + new Shape(info.shape()) + ", the config needs " + new Shape(shape));
                }
                arrays.put(entry.getKey(), store.load(entry.getValue(), manager, dtype));
            }
        } catch (IOException | RuntimeException e) {
            arrays.values().forEach(NDArray::close);
            throw e;
        }
        return arrays;
    }

    private String resolve(SafetensorsStore store, String name) {
        List<String> candidates = new ArrayList<>();
        candidates.add(name);
        candidates.addAll(aliases.getOrDefault(name, List.of()));
        for (String prefix : prefixes) {
            for (String candidate : candidates) {
                if (store.contains(prefix + candidate)) {
                    return prefix + candidate;
                }
                // Also the reverse: the model's name carries a prefix the checkpoint lacks.
                if (!prefix.isEmpty() && candidate.startsWith(prefix)
                        && store.contains(candidate.substring(prefix.length()))) {
                    return candidate.substring(prefix.length());
                }
            }
        }
        return null;
    }

    /** A duplicate stored under an alias of a tensor already loaded (tied copies): not worth a warning. */
    private boolean isAliasOfUsed(String storedName, Set<String> used) {
        for (Map.Entry<String, List<String>> entry : aliases.entrySet()) {
            for (String prefix : prefixes) {
                for (String alias : entry.getValue()) {
                    if (storedName.equals(prefix + alias)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
