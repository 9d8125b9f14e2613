package ai.kard.core.distill;

import ai.kard.core.model.ArchitectureRegistry;
import ai.kard.core.model.LanguageModel;
import ai.kard.core.model.ModelOptions;
import ai.kard.core.tokenizer.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What {@code Kard.student(x)} and {@code kard distill --student x} accept: a from-scratch preset
 * ({@code scratch:t5-tiny}), a local HuggingFace folder, or a hub id ({@code google/flan-t5-base}) found in the
 * local HuggingFace cache. {@link #resolve} fails with a message that lists what would have worked.
 */
public sealed interface StudentReference {

    /** The reference as the user wrote it (recorded in {@code kard.json}). */
    String text();

    /** The defaults training uses unless overridden. */
    TrainingDefaults defaults();

    /** Loads (or, for presets, creates with seeded random weights) the model. */
    LanguageModel loadModel(long seed, ModelOptions options) throws IOException;

    /** The tokenizer that goes with the model. */
    TextTokenizer loadTokenizer() throws IOException;

    /** A from-scratch preset on the bundled WordPiece tokenizer. */
    record Preset(StudentPreset preset) implements StudentReference {
        public Preset {
            Objects.requireNonNull(preset, "preset");
        }

        @Override
        public String text() {
            return preset.reference();
        }

        @Override
        public TrainingDefaults defaults() {
            return preset.defaults();
        }

        @Override
        public LanguageModel loadModel(long seed, ModelOptions options) throws IOException {
            return ArchitectureRegistry.create(preset.config(), seed, options);
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
        public TextTokenizer loadTokenizer() throws IOException {
            return TextTokenizer.load(folder);
        }
    }

    Pattern HUB_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*");

    /**
     * Resolves {@code reference}: preset name, existing folder with a {@code config.json}, or hub id present in the
     * local HuggingFace cache ({@code $HF_HUB_CACHE}, {@code $HF_HOME/hub} or {@code ~/.cache/huggingface/hub}).
     *
     * @throws IllegalArgumentException naming the reference and the accepted forms
     */
    static StudentReference resolve(String reference) {
        Objects.requireNonNull(reference, "reference");
        String text = reference.trim();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("student reference is empty; use a model folder, a hub id or one of "
                    + StudentPreset.names());
        }
        if (text.toLowerCase(java.util.Locale.ROOT).startsWith(StudentPreset.PREFIX)) {
            return StudentPreset.find(text).<StudentReference>map(Preset::new).orElseThrow(() ->
                    new IllegalArgumentException("unknown student preset \"" + text + "\"; presets: "
                            + StudentPreset.names()));
        }
        Path path = Path.of(text);
        if (Files.isDirectory(path)) {
            if (!Files.isRegularFile(path.resolve("config.json"))) {
                throw new IllegalArgumentException("student folder " + path + " has no config.json: not a"
                        + " HuggingFace model folder");
            }
            return new Folder(text, path);
        }
        if (HUB_ID.matcher(text).matches()) {
            Optional<Path> cached = hubCacheSnapshot(text);
            if (cached.isPresent()) {
                return new Folder(text, cached.get());
            }
            throw new IllegalArgumentException("student \"" + text + "\" is not a local folder and is not in the"
                    + " HuggingFace cache (" + hubCache() + "); download it (huggingface-cli download " + text
                    + ") or use a folder or one of " + StudentPreset.names());
        }
        throw new IllegalArgumentException("unknown student \"" + text + "\": not a model folder, a hub id"
                + " (owner/name) or a preset (" + StudentPreset.names() + ")");
    }

    /** The HuggingFace hub cache directory this process would read. */
    static Path hubCache() {
        String cache = System.getenv("HF_HUB_CACHE");
        if (cache != null && !cache.isBlank()) {
            return Path.of(cache);
        }
        String home = System.getenv("HF_HOME");
        if (home != null && !home.isBlank()) {
            return Path.of(home, "hub");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "huggingface", "hub");
    }

    /** The newest cached snapshot of {@code hubId} that holds a config.json. */
    static Optional<Path> hubCacheSnapshot(String hubId) {
        Path snapshots = hubCache().resolve("models--" + hubId.replace("/", "--")).resolve("snapshots");
        if (!Files.isDirectory(snapshots)) {
            return Optional.empty();
        }
        try (Stream<Path> list = Files.list(snapshots)) {
            return list.filter(p -> Files.isRegularFile(p.resolve("config.json")))
                    .max(Comparator.comparing(p -> p.toFile().lastModified()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
