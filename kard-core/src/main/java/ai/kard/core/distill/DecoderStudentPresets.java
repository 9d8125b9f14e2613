package ai.kard.core.distill;

import ai.kard.core.model.llama.LlamaPresets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * From-scratch decoder-only students ({@code scratch:llama-tiny}) with the training defaults that make them learn
 * on the demo benchmark. Their configs live with the architecture ({@link LlamaPresets}); the bundled WordPiece
 * tokenizer goes with them.
 */
final class DecoderStudentPresets {
    /**
     * Llama from scratch: like the T5 presets many epochs, warmup and renaming, but a lower peak rate (AdamW on a
     * pre-norm decoder with a tied 30k-row embedding diverges at the T5 presets' 2e-3).
     */
    private static final Map<String, TrainingDefaults> DEFAULTS = Map.of(
            LlamaPresets.LLAMA_TINY, new TrainingDefaults(4, 1e-3, 16, 0.05, 0.7));

    private DecoderStudentPresets() {
    }

    /** The preset named {@code reference} (case-insensitive), if there is one. */
    static Optional<StudentReference> find(String reference) {
        String name = reference.trim().toLowerCase(Locale.ROOT);
        return LlamaPresets.config(name).map(config -> new StudentReference.DecoderPreset(name, config,
                DEFAULTS.get(name)));
    }

    /** The names of all decoder-only presets. */
    static String names() {
        return String.join(", ", LlamaPresets.names());
    }
}
