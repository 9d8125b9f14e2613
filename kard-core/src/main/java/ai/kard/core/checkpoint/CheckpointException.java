package ai.kard.core.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/** A model folder or checkpoint file that cannot be used as it is: names the file and what is wrong. */
public class CheckpointException extends IOException {
    public CheckpointException(Path file, String message) {
        super(file + ": " + message);
    }

    public CheckpointException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
    }
}
