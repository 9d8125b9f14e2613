package ai.kard.core.internal.model;

import ai.kard.core.internal.checkpoint.HfConfig;
import ai.kard.core.internal.model.registry.ArchitectureRegistry;
import ai.kard.core.model.ModelOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** One model family (one package), registered in {@link ArchitectureRegistry} by config.json's {@code model_type}. */
public interface Architecture {

    /** Loads the weights of a HF model folder whose {@code config.json} is {@code config}. */
    LanguageModel load(Path folder, HfConfig config, ModelOptions options) throws IOException;

    /** A model with seeded random weights, for from-scratch students and tests. */
    LanguageModel create(HfConfig config, long seed, ModelOptions options) throws IOException;

    /** The from-scratch configs this architecture offers, by name ({@code scratch:...}); none by default. */
    default Map<String, HfConfig> presets() {
        return Map.of();
    }
}
