package ai.kard.core.internal.model.llama;

import ai.kard.api.InvalidSettingException;
import ai.kard.core.internal.checkpoint.HfConfig;
import ai.kard.core.model.ModelOptions;
import ai.kard.core.internal.model.common.CopyHead;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * From-scratch Llama students, by name. {@code scratch:llama-tiny}: 4 layers, hidden 256, 4 query / 2 KV heads,
 * SwiGLU 688, tied head, vocabulary of the bundled WordPiece tokenizer
 * ({@link ai.kard.core.internal.tokenizer.TextTokenizer#bundledWordPiece()}, 30522 ids: pad 0 = [PAD], bos 101 = [CLS],
 * eos 102 = [SEP]). About 11M parameters, plus a {@link CopyHead} (66k) so that the student can copy names it never
 * learnt to spell out of the retrieved passage.
 */
public final class LlamaPresets {
    public static final String LLAMA_TINY = "scratch:llama-tiny";

    private static final Map<String, HfConfig> PRESETS = new TreeMap<>();

    static {
        PRESETS.put(LLAMA_TINY, HfConfig.of(
                "architectures", List.of("LlamaForCausalLM"),
                "model_type", "llama",
                "vocab_size", 30522,
                "hidden_size", 256,
                "intermediate_size", 688,
                "num_hidden_layers", 4,
                "num_attention_heads", 4,
                "num_key_value_heads", 2,
                "head_dim", 64,
                "hidden_act", "silu",
                "max_position_embeddings", 1024,
                "rms_norm_eps", 1e-6,
                "rope_theta", 10000.0,
                "tie_word_embeddings", true,
                "initializer_range", 0.02,
                "pad_token_id", 0,
                "bos_token_id", 101,
                "eos_token_id", 102,
                "torch_dtype", "float32",
                CopyHead.CONFIG_KEY, true));
    }

    private LlamaPresets() {
    }

    /** The preset names ({@code scratch:...}). */
    public static java.util.Set<String> names() {
        return PRESETS.keySet();
    }

    /** Every preset's config by name. */
    public static Map<String, HfConfig> all() {
        return java.util.Collections.unmodifiableMap(PRESETS);
    }

    /** The config of preset {@code name} (case-insensitive), if there is one. */
    public static Optional<HfConfig> config(String name) {
        return Optional.ofNullable(PRESETS.get(name.trim().toLowerCase(Locale.ROOT)));
    }

    /** A seeded random model of preset {@code name}. */
    public static LlamaModel create(String name, long seed, ModelOptions options) throws IOException {
        HfConfig config = config(name).orElseThrow(() -> new InvalidSettingException("unknown preset \"" + name
                + "\"; presets: " + names()));
        return new LlamaArchitecture().create(config, seed, options);
    }
}
