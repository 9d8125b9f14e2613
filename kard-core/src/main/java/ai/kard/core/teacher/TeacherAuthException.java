package ai.kard.core.teacher;

/** The endpoint refused the credentials (HTTP 401/403): retrying cannot help, the whole run stops. */
public final class TeacherAuthException extends TeacherException {
    /**
     * The endpoint refused the credentials.
     *
     * @param message what it answered
     */
    public TeacherAuthException(String message) {
        super(message);
    }
}
