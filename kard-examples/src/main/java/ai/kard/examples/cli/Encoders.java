package ai.kard.examples.cli;

import ai.kard.api.InvalidInputException;
import ai.kard.api.InvalidSettingException;
import ai.kard.core.checkpoint.CheckpointException;
import ai.kard.core.hub.ModelReference;
import ai.kard.core.model.ModelOptions;
import ai.kard.core.rerank.LateInteractionScorer;
import ai.kard.core.rerank.ScoringMode;
import java.io.IOException;

/** The {@code --encoder} option of the evaluation commands: a trained reranker folder, or an encoder zero-shot. */
final class Encoders {
    private Encoders() {
    }

    /**
     * {@link LateInteractionScorer#open}; a folder that is not a readable model is bad input (exit 2) naming it.
     *
     * @param mode null: a reranker folder's own mode, late interaction for an encoder
     */
    static LateInteractionScorer open(String reference, ScoringMode mode, String device) throws IOException {
        ModelOptions options = new ModelOptions(ModelOptions.parseDevice(device),
                ai.djl.ndarray.types.DataType.FLOAT32);
        try {
            return LateInteractionScorer.open(reference, mode, options, ModelReference.fromEnvironment());
        } catch (CheckpointException | java.nio.file.NoSuchFileException e) {
            throw new InvalidInputException("--encoder " + reference + ": " + e.getMessage());
        }
    }

    /** {@code late} / {@code bi} (also the reranker.json names); anything else is bad input naming the value. */
    static ScoringMode mode(String option, String value) {
        try {
            return value == null ? null : ScoringMode.parse(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(option + " " + value + ": expected late or bi");
        }
    }
}
