package ai.kard.core.teacher;

import java.io.IOException;

/** A teacher request that failed for good: retries exhausted, or an answer that is not a chat completion. */
public class TeacherException extends IOException {
    /**
     * A teacher failure.
     *
     * @param message what went wrong
     */
    public TeacherException(String message) {
        super(message);
    }

    /**
     * A teacher failure with its cause.
     *
     * @param message what went wrong
     * @param cause the cause
     */
    public TeacherException(String message, Throwable cause) {
        super(message, cause);
    }
}
