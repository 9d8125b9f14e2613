package ai.kard.core.distill;

import ai.kard.core.internal.model.registry.ArchitectureRegistry;
import ai.kard.core.internal.model.llama.LlamaPresets;
import ai.kard.core.internal.model.t5.T5Presets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The from-scratch students ({@code scratch:t5-tiny}, {@code scratch:llama-tiny}, ...) with the training settings
 * that make random initialisation learn on a few thousand examples: many epochs, a high warmed-up learning rate and
 * renaming augmentation. Their configs live with their architectures ({@link ArchitectureRegistry#presets()}); they
 * all use the bundled WordPiece tokenizer.
 */
final class StudentPresets {
    /** Reference prefix of every preset. */
    static final String PREFIX = "scratch:";
    /** A preset without its own entry below trains with these. */
    private static final TrainingDefaults SCRATCH = new TrainingDefaults(4, 1e-3, 16, 0.05, 0.7);
    private static final Map<String, TrainingDefaults> DEFAULTS = Map.of(
            T5Presets.T5_TINY, new TrainingDefaults(6, 2e-3, 16, 0.05, 0.7),
            T5Presets.T5_SMALL, new TrainingDefaults(10, 1e-3, 16, 0.05, 0.7),
            // AdamW on a pre-norm decoder with a tied 30k-row embedding diverges at 2e-3.
            LlamaPresets.LLAMA_TINY, SCRATCH);

    private StudentPresets() {
    }

    /** The preset named {@code reference} (case-insensitive), if there is one. */
    static Optional<StudentReference> find(String reference) {
        String name = reference.trim().toLowerCase(Locale.ROOT);
        return ArchitectureRegistry.preset(name).map(config -> new StudentReference.Preset(name, config,
                DEFAULTS.getOrDefault(name, SCRATCH)));
    }

    /** The names of all presets, for messages. */
    static String names() {
        return String.join(", ", ArchitectureRegistry.presets().keySet());
    }
}
