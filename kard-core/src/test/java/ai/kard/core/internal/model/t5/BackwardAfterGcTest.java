package ai.kard.core.internal.model.t5;

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
 * A garbage collection between forward and backward must not corrupt gradients. DJL wraps Java buffers without
 * copying; scalars of {@code mul(Number)} and index arrays closed before backward were read after being freed
 * (NaN gradients, "index 140110508574128 is out of bounds").
 */
class BackwardAfterGcTest {
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void gradientsStayFinite(boolean copyHead) throws Exception {
        HfConfig config = HfConfig.of("model_type", "t5", "vocab_size", 500, "d_model", 16, "d_kv", 4, "d_ff", 32,
                "num_layers", 1, "num_decoder_layers", 1, "num_heads", 4, "feed_forward_proj", "gated-gelu",
                "tie_word_embeddings", false, "pad_token_id", 0, "eos_token_id", 1, "decoder_start_token_id", 0,
                T5CopyModel.CONFIG_KEY, copyHead);
        try (LanguageModel model = ArchitectureRegistry.create(config, 5, ModelOptions.cpu())) {
            Random random = new Random(1);
            List<int[]> prompts = new ArrayList<>();
            List<int[]> targets = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int[] x = random.ints(5 + i, 10, 500).toArray();
                prompts.add(x);
                targets.add(new int[] {x[3], x[1], 1});
            }
            BackwardAfterGc.assertFiniteGradients(model, prompts, targets);
        }
    }
}
