package ai.kard.core.rerank;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.kard.core.internal.model.Dropout;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reranker trains without dropout unless asked (its defaults were measured without); asked, its BERT encoder
 * drops out in the training loss only, with masks from the engine seed.
 */
class RerankerDropoutTest {

    private static float loss(RerankerTask task, RerankBatch batch, NDManager m, int seed) {
        Engine.getInstance().setRandomSeed(seed);
        return task.loss(m, batch).getFloat();
    }

    @Test
    void encoderDropoutOnlyWhenAskedAndOnlyInTheTrainingLoss() throws Exception {
        try (LateInteractionScorer scorer = LateInteractionRerankerTest.scorer(3)) {
            RerankExample a = RerankerTaskTest.example(scorer, LateInteractionRerankerTest.QUERY,
                    LateInteractionRerankerTest.PASSAGES.subList(0, 3), new float[] {3f, 0f, 1f});
            RerankBatch batch = new RerankBatch(List.of(a));
            // A fixed annealing position for every loss below: startAt(0) before each call.
            RerankerTask task = new RerankerTask(scorer, RerankerTaskTest.TAU1, RerankerTaskTest.TAU2, 10, false);
            try (NDManager m = scorer.manager().newSubManager()) {
                float validation = task.validationLoss(m, batch).getFloat();
                float byDefault = loss(task, batch, m, 1);
                task.startAt(0);
                assertThat(byDefault).as("default: no dropout").isEqualTo(loss(task, batch, m, 2));
                task.startAt(0);
                task.dropout(Dropout.AS_CONFIGURED); // the scorer's bert-tiny config: 0.1 and 0.1
                float dropped = loss(task, batch, m, 1);
                task.startAt(0);
                assertThat(loss(task, batch, m, 1)).as("same seed, same masks").isEqualTo(dropped);
                task.startAt(0);
                assertThat(dropped).isNotEqualTo(byDefault).isNotEqualTo(loss(task, batch, m, 2));
                task.startAt(0);
                assertThat(task.validationLoss(m, batch).getFloat()).as("validation never drops out")
                        .isEqualTo(validation);
            }
        }
    }
}
