package ai.kard.core.internal.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.kard.core.internal.model.Dropout;
import ai.kard.core.internal.model.LanguageModel;
import java.util.Objects;

/**
 * Trains any {@link LanguageModel} (T5 or decoder-only student) on {@link TokenBatch}es with its own
 * token-level cross-entropy: {@code Trainer.<TokenBatch>builder(cfg).build().fit(new LanguageModelTask(lm), ...)}.
 * The training loss applies the model's dropout (or an override); the validation loss runs without.
 */
public final class LanguageModelTask implements TrainingTask<TokenBatch> {

    private final LanguageModel model;
    private final Dropout dropout;

    /** Trains with the dropout of the model's config. */
    public LanguageModelTask(LanguageModel model) {
        this(model, Dropout.AS_CONFIGURED);
    }

    /** Trains with {@code dropout} ({@link Dropout#OFF} trains without). */
    public LanguageModelTask(LanguageModel model, Dropout dropout) {
        this.model = Objects.requireNonNull(model, "model");
        this.dropout = Objects.requireNonNull(dropout, "dropout");
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
        return model.loss(stepManager, batch.prompts(), batch.targets(), dropout);
    }

    @Override
    public NDArray validationLoss(NDManager manager, TokenBatch batch) {
        return model.loss(manager, batch.prompts(), batch.targets(), Dropout.OFF);
    }
}
