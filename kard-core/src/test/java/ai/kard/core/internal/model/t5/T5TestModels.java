package ai.kard.core.internal.model.t5;

import ai.kard.core.internal.checkpoint.HfConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Tiny T5 configs and token batches for unit tests. */
final class T5TestModels {
    private T5TestModels() {
    }

    /** Deliberately odd sizes: heads * d_kv != d_model, more decoder than encoder layers. */
    static HfConfig tiny(String feedForwardProj, boolean tied) {
        return HfConfig.of("model_type", "t5", "vocab_size", 50, "d_model", 24, "d_kv", 7, "d_ff", 40,
                "num_heads", 3, "num_layers", 2, "num_decoder_layers", 3, "relative_attention_num_buckets", 8,
                "relative_attention_max_distance", 12, "feed_forward_proj", feedForwardProj,
                "tie_word_embeddings", tied);
    }

    /** {@code count} random sequences of 1..maxLength ids in [2, vocab), each ending with eos 1. */
    static List<int[]> sequences(int count, int maxLength, int vocab, long seed) {
        Random random = new Random(seed);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int[] sequence = new int[1 + random.nextInt(maxLength)];
            for (int t = 0; t < sequence.length - 1; t++) {
                sequence[t] = 2 + random.nextInt(vocab - 2);
            }
            sequence[sequence.length - 1] = 1;
            out.add(sequence);
        }
        return out;
    }
}
