package ai.kard.core.internal.model.common;

import static org.assertj.core.api.Assertions.assertThat;

import ai.kard.core.internal.checkpoint.HfConfig;
import ai.kard.core.internal.model.registry.ArchitectureRegistry;
import ai.kard.core.internal.model.BackwardAfterGc;
import ai.kard.core.internal.model.LanguageModel;
import ai.kard.core.model.ModelOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A garbage collection between forward and backward must not corrupt decoder-only gradients: embedding and gather
 * indices and scalar operands are engine-owned copies ({@link Ops#owned}); buffer-backed ones were freed while
 * autograd still held them (NaN gradient norm mid-epoch in {@code kard demo --student scratch:llama-tiny}).
 */
class CausalBackwardAfterGcTest {
    @ParameterizedTest
    @ValueSource(strings = {"llama", "opt", "gpt2", "llama+copy", "gpt2+copy"})
    void gradientsStayFinite(String name) throws Exception {
        // "+copy": with the copy head, whose loss builds more arrays from Java buffers (masks, matches, features).
        boolean copy = name.endsWith("+copy");
        String type = name.replace("+copy", "");
        HfConfig base = switch (type) {
            case "llama" -> HfConfig.of("model_type", "llama", "vocab_size", 500, "hidden_size", 16,
                    "intermediate_size", 32, "num_hidden_layers", 1, "num_attention_heads", 4,
                    "num_key_value_heads", 2, "tie_word_embeddings", true, "bos_token_id", 1, "eos_token_id", 2,
                    "pad_token_id", 0);
            case "opt" -> HfConfig.of("model_type", "opt", "vocab_size", 500, "hidden_size", 16, "ffn_dim", 32,
                    "num_hidden_layers", 1, "num_attention_heads", 4, "max_position_embeddings", 64,
                    "word_embed_proj_dim", 16, "do_layer_norm_before", true, "bos_token_id", 1, "eos_token_id", 2,
                    "pad_token_id", 0);
            default -> HfConfig.of("model_type", "gpt2", "vocab_size", 500, "n_embd", 16, "n_layer", 1, "n_head", 4,
                    "n_positions", 64, "bos_token_id", 1, "eos_token_id", 2);
        };
        HfConfig config = base.with(CopyHead.CONFIG_KEY, copy);
        try (LanguageModel model = ArchitectureRegistry.create(config, 5, ModelOptions.cpu())) {
            assertThat(((CausalLanguageModel) model).hasCopyHead()).isEqualTo(copy);
            Random random = new Random(1);
            List<int[]> prompts = new ArrayList<>();
            List<int[]> targets = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int[] x = random.ints(5 + 3 * i, 10, 500).toArray();
                prompts.add(x);
                targets.add(new int[] {x[3], x[1], 2});
            }
            BackwardAfterGc.assertFiniteGradients(model, prompts, targets);
        }
    }
}
