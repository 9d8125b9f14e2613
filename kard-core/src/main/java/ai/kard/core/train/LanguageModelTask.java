package ai.kard.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.kard.core.model.LanguageModel;
import java.util.Objects;

/**
 * Trains any {@link LanguageModel} (T5 or decoder-only student) on {@link TokenBatch}es with its own
 * token-level cross-entropy: {@code Trainer.<TokenBatch>builder(cfg).build().fit(new LanguageModelTask(lm), ...)}.
 */
public final class LanguageModelTask implements TrainingTask<TokenBatch> {

    private final LanguageModel model;

    public LanguageModelTask(LanguageModel model) {
        this.model = Objects.requireNonNull(model, "model");
    }

    public LanguageModel model() {
        return model;
    }

    @Override
    public Block block() {
        return model.block();
    }

    @Override
    public NDArray loss(NDManager stepManager, TokenBatch batch) {
        return model.loss(stepManager, batch.prompts(), batch.targets());
    }
}
