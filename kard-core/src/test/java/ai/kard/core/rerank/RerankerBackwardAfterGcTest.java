package ai.kard.core.rerank;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import ai.kard.api.Passage;
import ai.kard.core.model.ModelOptions;
import ai.kard.core.internal.model.bert.BertEncoder;
import ai.kard.core.internal.tokenizer.TextTokenizer;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A garbage collection between forward and backward must not corrupt the reranker's gradients: embedding
 * indices, masks, soft targets and scalar operands are engine-owned ({@code EngineArrays}); Java-buffer-backed
 * ones were freed while autograd still held them (NaN gradient norm mid-epoch in reranker training).
 */
class RerankerBackwardAfterGcTest {
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void gradientsStayFiniteAfterAGcBeforeBackward(boolean normalize) throws Exception {
        ScorerSettings settings = LateInteractionRerankerTest.SETTINGS.withNormalize(normalize);
        try (LateInteractionScorer scorer = LateInteractionScorer.create(
                BertEncoder.create(LateInteractionRerankerTest.CONFIG, 11, ModelOptions.cpu()),
                TextTokenizer.bundledWordPiece(), settings, 11)) {
            List<Passage> passages = LateInteractionRerankerTest.PASSAGES;
            RerankExample a = RerankerTaskTest.example(scorer, LateInteractionRerankerTest.QUERY, passages,
                    new float[] {8f, 0f, 1f, 0.5f, 2f});
            RerankExample b = RerankerTaskTest.example(scorer, "What happens to iron in water?",
                    passages.subList(1, 4), new float[] {0f, 6f, 1f});
            RerankBatch batch = new RerankBatch(List.of(a, b));
            RerankerTask task = new RerankerTask(scorer, RerankerTaskTest.TAU1, RerankerTaskTest.TAU2, 12, false);
            for (Pair<String, Parameter> e : scorer.block().getParameters()) {
                e.getValue().getArray().setRequiresGradient(true);
            }
            for (int step = 0; step < 12; step++) {
                try (NDManager m = scorer.manager().newSubManager();
                        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray loss = task.loss(m, batch);
                    System.gc();
                    Thread.sleep(10);
                    collector.backward(loss);
                }
                double total = 0;
                for (Pair<String, Parameter> e : scorer.block().getParameters()) {
                    NDArray gradient = e.getValue().getArray().getGradient();
                    assertThat(gradient.isNaN().any().getBoolean()).as("%s at step %d", e.getKey(), step).isFalse();
                    assertThat(gradient.isInfinite().any().getBoolean()).as("%s at step %d", e.getKey(), step)
                            .isFalse();
                    total += gradient.abs().sum().getFloat();
                }
                assertThat(total).as("step %d", step).isGreaterThan(0);
            }
        }
    }
}
