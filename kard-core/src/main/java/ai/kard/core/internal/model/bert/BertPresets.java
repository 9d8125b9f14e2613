package ai.kard.core.internal.model.bert;

import ai.kard.api.InvalidSettingException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * From-scratch encoder configurations, referenced as {@code scratch:<name>}. They use the bundled bert-base-uncased
 * WordPiece vocabulary ({@link ai.kard.core.internal.tokenizer.TextTokenizer#bundledWordPiece()}).
 */
public final class BertPresets {
    public static final String PREFIX = "scratch:";
    private static final int WORDPIECE_VOCAB = 30522;
    private static final Map<String, BertConfig> PRESETS = new TreeMap<>();

    static {
        // Small enough to train a reranker on 2 CPU cores in minutes (about 4.6 M weights, 4 M of them embeddings).
        PRESETS.put("bert-tiny", new BertConfig(WORDPIECE_VOCAB, 128, 2, 2, 512, 512, 2, 1e-12, "gelu", 0, 0.02));
        PRESETS.put("bert-mini", new BertConfig(WORDPIECE_VOCAB, 256, 4, 4, 1024, 512, 2, 1e-12, "gelu", 0, 0.02));
    }

    private BertPresets() {
    }

    /** True for {@code scratch:...} references. */
    public static boolean isPreset(String reference) {
        return reference != null && reference.startsWith(PREFIX);
    }

    /** The config of {@code scratch:<name>} (or of the bare name). */
    public static Optional<BertConfig> get(String reference) {
        String name = isPreset(reference) ? reference.substring(PREFIX.length()) : reference;
        return Optional.ofNullable(PRESETS.get(name));
    }

    /** The config of {@code scratch:<name>}, or an error listing the presets. */
    public static BertConfig require(String reference) {
        return get(reference).orElseThrow(() -> new InvalidSettingException("unknown preset \"" + reference
                + "\"; available: " + PRESETS.keySet().stream().map(n -> PREFIX + n).toList()));
    }

    public static Map<String, BertConfig> all() {
        return java.util.Collections.unmodifiableMap(PRESETS);
    }
}
