package ai.kard.core.internal.model.registry;

import ai.kard.core.checkpoint.CheckpointException;
import ai.kard.core.internal.checkpoint.HfConfig;
import ai.kard.core.internal.model.Architecture;
import ai.kard.core.internal.model.LanguageModel;
import ai.kard.core.model.ModelOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Architectures by config.json {@code model_type}. Adding one is one package and one line here.
 */
public final class ArchitectureRegistry {
    private static final Map<String, Architecture> ARCHITECTURES = new TreeMap<>();

    static {
        register("t5", new ai.kard.core.internal.model.t5.T5Architecture());
        register("gpt2", new ai.kard.core.internal.model.gpt2.Gpt2Architecture());
        register("llama", new ai.kard.core.internal.model.llama.LlamaArchitecture());
        register("mistral", new ai.kard.core.internal.model.llama.LlamaArchitecture());
        register("opt", new ai.kard.core.internal.model.opt.OptArchitecture());
        register("qwen2", new ai.kard.core.internal.model.llama.LlamaArchitecture());
    }

    private ArchitectureRegistry() {
    }

    private static void register(String modelType, Architecture architecture) {
        ARCHITECTURES.put(modelType, architecture);
    }

    /** The supported {@code model_type} values. */
    public static Set<String> modelTypes() {
        return ARCHITECTURES.keySet();
    }

    public static boolean supports(String modelType) {
        return ARCHITECTURES.containsKey(modelType);
    }

    /** The architecture for {@code config}, or an error naming the model type and the supported ones. */
    public static Architecture forConfig(HfConfig config) throws CheckpointException {
        String type = config.modelType();
        Architecture architecture = ARCHITECTURES.get(type);
        if (architecture == null) {
            throw new CheckpointException(config.source() == null ? Path.of("config.json") : config.source(),
                    "model_type \"" + type + "\" is not supported; Kard supports " + modelTypes());
        }
        return architecture;
    }

    /** The from-scratch config named {@code name} ({@code scratch:t5-tiny}, case-insensitive), if any. */
    public static Optional<HfConfig> preset(String name) {
        return Optional.ofNullable(presets().get(name.trim().toLowerCase(Locale.ROOT)));
    }

    /** Every architecture's from-scratch configs, by name. */
    public static Map<String, HfConfig> presets() {
        Map<String, HfConfig> all = new TreeMap<>();
        ARCHITECTURES.values().forEach(a -> all.putAll(a.presets()));
        return all;
    }

    /** Loads a HF model folder. */
    public static LanguageModel load(Path folder, ModelOptions options) throws IOException {
        HfConfig config = HfConfig.read(folder);
        return forConfig(config).load(folder, config, options);
    }

    /** Builds a randomly initialised model from a config. */
    public static LanguageModel create(HfConfig config, long seed, ModelOptions options) throws IOException {
        return forConfig(config).create(config, seed, options);
    }
}
