package ai.kard.core.distill;

import ai.kard.api.InvalidSettingException;
import ai.kard.core.internal.checkpoint.HfConfig;
import ai.kard.core.hub.ModelReference;
import ai.kard.core.internal.model.registry.ArchitectureRegistry;
import ai.kard.core.internal.model.LanguageModel;
import ai.kard.core.model.ModelOptions;
import ai.kard.core.internal.tokenizer.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What {@code Kard.student(x)} and {@code kard distill --student x} accept: a from-scratch preset
 * ({@code scratch:t5-tiny}), a local HuggingFace folder, or a hub id ({@code google/flan-t5-base}) found in the
 * local HuggingFace cache (downloaded when online). {@link #resolve} fails with a message that lists what would have worked.
 */
sealed interface StudentReference permits StudentReference.Preset, StudentReference.Folder,
        StudentReference.Hub {

    /** The reference as the user wrote it (recorded in {@code kard.json}). */
    String text();

    /** The defaults training uses unless overridden. */
    TrainingDefaults defaults();

    /** Loads (or, for presets, creates with seeded random weights) the model. */
    LanguageModel loadModel(long seed, ModelOptions options) throws IOException;

    /**
     * Checks, without loading weights, what can be checked cheaply: that the folder (for a hub id: the resolved
     * snapshot, downloaded when allowed) has a {@code config.json} of a supported {@code model_type} and a
     * {@code tokenizer.json}. Distillation runs it before retrieval and training.
     *
     * @throws IOException a bad-input {@link ai.kard.api.InvalidInputException} naming the file
     */
    default void check() throws IOException {
    }

    /** {@link #check()} for a model folder. */
    private static void checkFolder(Path folder) throws IOException {
        ArchitectureRegistry.forConfig(HfConfig.read(folder.resolve("config.json")));
        Path tokenizer = folder.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokenizer)) {
            TextTokenizer.load(tokenizer).close(); // throws the tokenizer's own message
        }
    }

    /** The tokenizer that goes with the model. */
    TextTokenizer loadTokenizer() throws IOException;

    /**
     * A from-scratch preset ({@link StudentPresets}): its config, seeded random weights and the bundled WordPiece
     * tokenizer.
     */
    record Preset(String text, HfConfig config, TrainingDefaults defaults) implements StudentReference {
        public Preset {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(config, "config");
            Objects.requireNonNull(defaults, "defaults");
        }

        @Override
        public LanguageModel loadModel(long seed, ModelOptions options) throws IOException {
            return ArchitectureRegistry.create(config, seed, options);
        }

        @Override
        public TextTokenizer loadTokenizer() throws IOException {
            return TextTokenizer.bundledWordPiece();
        }
    }

    /** A HuggingFace model folder (config.json, safetensors weights, tokenizer.json). */
    record Folder(String text, Path folder) implements StudentReference {
        public Folder {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(folder, "folder");
        }

        @Override
        public TrainingDefaults defaults() {
            return TrainingDefaults.pretrained();
        }

        @Override
        public LanguageModel loadModel(long seed, ModelOptions options) throws IOException {
            return ArchitectureRegistry.load(folder, options);
        }

        @Override
        public void check() throws IOException {
            checkFolder(folder);
        }

        @Override
        public TextTokenizer loadTokenizer() throws IOException {
            return TextTokenizer.load(folder);
        }
    }

    /**
     * A hub id ({@code org/name[@revision]}), resolved when the model is loaded: from the local HuggingFace cache,
     * or downloaded when online ({@link ModelReference}).
     */
    record Hub(String text) implements StudentReference {
        public Hub {
            Objects.requireNonNull(text, "text");
        }

        @Override
        public TrainingDefaults defaults() {
            return TrainingDefaults.pretrained();
        }

        /** The local snapshot folder (downloading it when allowed). */
        public Path folder() throws IOException {
            return ModelReference.fromEnvironment().resolve(text);
        }

        @Override
        public void check() throws IOException {
            checkFolder(folder());
        }

        @Override
        public LanguageModel loadModel(long seed, ModelOptions options) throws IOException {
            Path folder = folder();
            return ArchitectureRegistry.load(folder, options);
        }

        @Override
        public TextTokenizer loadTokenizer() throws IOException {
            return TextTokenizer.load(folder());
        }
    }

    /**
     * Resolves {@code reference}: a preset name, an existing folder with a {@code config.json}, or a hub id
     * (looked up when the model is loaded).
     *
     * @throws IllegalArgumentException naming the reference and the accepted forms
     */
    static StudentReference resolve(String reference) {
        Objects.requireNonNull(reference, "reference");
        String text = reference.trim();
        if (text.isEmpty()) {
            throw new InvalidSettingException("student reference is empty; use a model folder, a hub id or one of "
                    + StudentPresets.names());
        }
        if (text.toLowerCase(java.util.Locale.ROOT).startsWith(StudentPresets.PREFIX)) {
            return StudentPresets.find(text).orElseThrow(() -> new InvalidSettingException(
                    "unknown student preset \"" + text + "\"; presets: " + StudentPresets.names()));
        }
        Path path = Path.of(text);
        if (Files.isDirectory(path)) {
            if (!Files.isRegularFile(path.resolve("config.json"))) {
                throw new InvalidSettingException("student folder " + path + " has no config.json: not a"
                        + " HuggingFace model folder");
            }
            return new Folder(text, path);
        }
        boolean pathLike = text.startsWith("/") || text.startsWith(".") || text.startsWith("~")
                || text.split("/").length > 2;
        if (!pathLike && text.contains("/") && ModelReference.parseHubId(text).isPresent()) {
            return new Hub(text);
        }
        throw new InvalidSettingException("unknown student \"" + text + "\": not a model folder, a hub id"
                + " (org/name) or a preset (" + StudentPresets.names() + ")");
    }
}
