package ai.kard.core.internal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.kard.api.Decoding;
import ai.kard.core.internal.checkpoint.HfConfig;
import ai.kard.core.internal.model.Dropout;
import ai.kard.core.internal.model.LanguageModel;
import ai.kard.core.train.TrainingResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LanguageModelTaskTest {

    private static final int VOCAB = 6;

    /** A bigram "language model": next-token logits from a one-hot of the previous token. */
    private static final class BigramModel implements LanguageModel {
        private final Block block = Linear.builder().setUnits(VOCAB).build();

        BigramModel(NDManager manager) {
            Engine.getInstance().setRandomSeed(1);
            block.initialize(manager, DataType.FLOAT32, new Shape(1, VOCAB));
        }

        @Override
        public NDArray loss(NDManager m, List<int[]> prompts, List<int[]> targets, Dropout dropout) {
            List<Integer> prev = new ArrayList<>();
            List<Integer> next = new ArrayList<>();
            for (int i = 0; i < prompts.size(); i++) {
                int p = prompts.get(i)[prompts.get(i).length - 1];
                for (int t : targets.get(i)) {
                    prev.add(p);
                    next.add(t);
                    p = t;
                }
            }
            NDArray x = m.create(prev.stream().mapToInt(Integer::intValue).toArray()).oneHot(VOCAB);
            NDArray y = m.create(next.stream().mapToInt(Integer::intValue).toArray());
            NDArray logits = block.forward(new ParameterStore(m, false), new NDList(x), true).singletonOrThrow();
            return logits.logSoftmax(1).mul(y.oneHot(VOCAB)).sum(new int[] {1}).mean().neg();
        }

        @Override public HfConfig config() { return null; }
        @Override public boolean isEncoderDecoder() { return false; }
        @Override public Block block() { return block; }
        @Override public Device device() { return Device.cpu(); }
        @Override public DataType dataType() { return DataType.FLOAT32; }
        @Override public int eosTokenId() { return 0; }
        @Override public int padTokenId() { return 0; }
        @Override public List<List<int[]>> generate(List<int[]> prompts, Decoding decoding, int samples) {
            throw new UnsupportedOperationException();
        }
        @Override public void save(Path folder) { throw new UnsupportedOperationException(); }
        @Override public void close() {}
    }

    @Test
    void trainsALanguageModelOnTokenBatches() throws Exception {
        // Deterministic successor: t -> t+1 (mod VOCAB); a bigram model learns it exactly.
        List<TokenBatch> batches = new ArrayList<>();
        for (int b = 0; b < 6; b++) {
            List<int[]> prompts = new ArrayList<>();
            List<int[]> targets = new ArrayList<>();
            for (int s = 0; s < 3; s++) {
                int start = (b + s) % VOCAB;
                prompts.add(new int[] {start});
                targets.add(new int[] {(start + 1) % VOCAB, (start + 2) % VOCAB, (start + 3) % VOCAB});
            }
            batches.add(new TokenBatch(prompts, targets));
        }
        assertThat(batches.get(0).tokenCount()).isEqualTo(3 * (1 + 3));
        try (NDManager manager = NDManager.newBaseManager()) {
            LanguageModelTask task = new LanguageModelTask(new BigramModel(manager));
            TrainingResult r = Trainer.<TokenBatch>builder(
                    TrainerConfig.builder().epochs(8).learningRate(0.1).logEverySteps(6).build())
                    .build().fit(task, BatchSource.of(batches), batches.subList(0, 2));
            assertThat(r.epochs().get(0).validationLoss()).isGreaterThan(1.0);
            assertThat(r.last().validationLoss()).isLessThan(0.1);
        }
    }

    @Test
    void tokenBatchValidates() {
        assertThatThrownBy(() -> new TokenBatch(List.of(new int[] {1}), List.of()))
                .hasMessageContaining("1 prompts but 0 targets");
        assertThatThrownBy(() -> new TokenBatch(List.of(), List.of())).hasMessageContaining("at least one");
    }
}
