package ai.kard.core.teacher;

import java.io.IOException;

/** A teacher request that failed for good: retries exhausted, or an answer that is not a chat completion. */
public class TeacherException extends IOException {
    public TeacherException(String message) {
        super(message);
    }

    public TeacherException(String message, Throwable cause) {
        super(message, cause);
    }
}
