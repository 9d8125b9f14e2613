package ai.kard.core.internal.model.llama;

import static org.assertj.core.api.Assertions.assertThat;

import ai.kard.api.Decoding;
import ai.kard.core.internal.checkpoint.HfConfig;
import ai.kard.core.model.ModelOptions;
import ai.kard.core.internal.train.BatchSource;
import ai.kard.core.internal.train.LanguageModelTask;
import ai.kard.core.internal.train.TokenBatch;
import ai.kard.core.internal.train.Trainer;
import ai.kard.core.internal.train.TrainerConfig;
import ai.kard.core.train.TrainingResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A decoder-only student through the shared Trainer: it learns prompt -> target and then generates it. */
class LlamaTrainingTest {

    @Test
    void trainerTeachesATinyLlamaToAnswer() throws Exception {
        HfConfig config = HfConfig.of("model_type", "llama", "vocab_size", 24, "hidden_size", 32,
                "intermediate_size", 64, "num_hidden_layers", 2, "num_attention_heads", 4, "num_key_value_heads", 2,
                "tie_word_embeddings", true, "bos_token_id", 1, "eos_token_id", 2, "pad_token_id", 0);
        // Prompt "bos a b" -> target "b+10 a+10 eos": the answer depends on the prompt tokens.
        List<int[]> prompts = new ArrayList<>();
        List<int[]> targets = new ArrayList<>();
        for (int a = 3; a < 8; a++) {
            int b = 3 + (a * 3) % 5;
            prompts.add(new int[] {1, a, b, 3});
            targets.add(new int[] {b + 10, a + 10, 2});
        }
        List<TokenBatch> batches = List.of(new TokenBatch(prompts, targets));
        try (LlamaModel model = new LlamaArchitecture().create(config, 5, ModelOptions.cpu())) {
            TrainingResult result = Trainer.<TokenBatch>builder(
                    TrainerConfig.builder().epochs(40).learningRate(5e-3).logEverySteps(1000).build())
                    .build().fit(new LanguageModelTask(model), BatchSource.of(batches), batches);
            assertThat(result.epochs().get(0).validationLoss()).isGreaterThan(2.0);
            assertThat(result.last().validationLoss()).isLessThan(0.3);
            List<List<int[]>> answers = model.generate(prompts, Decoding.greedy(5), 1);
            for (int i = 0; i < prompts.size(); i++) {
                int[] target = targets.get(i);
                assertThat(answers.get(i).get(0)).containsExactly(target[0], target[1]);
            }
        }
    }
}
