package ai.kard.core.checkpoint;

import ai.kard.api.InvalidInputException;
import java.nio.file.Path;

/**
 * A model folder or checkpoint file that cannot be used as it is (corrupt safetensors, unsupported
 * {@code model_type}, missing {@code tokenizer.json}, ...): names the file and what is wrong. Bad input, so the
 * command line answers it with exit code 2 and one line.
 */
public class CheckpointException extends InvalidInputException {
    /**
     * {@code file} is unusable for the reason in {@code message}.
     *
     * @param file    the unusable file or folder
     * @param message what is wrong and what was expected
     */
    public CheckpointException(Path file, String message) {
        super(file, 0, message);
    }

    /**
     * {@code file} is unusable for the reason in {@code message}, found through {@code cause}.
     *
     * @param file    the unusable file or folder
     * @param message what is wrong and what was expected
     * @param cause   the error that revealed it
     */
    public CheckpointException(Path file, String message, Throwable cause) {
        super(file, 0, message, cause);
    }
}
