package ai.kard.api;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Input the caller can fix: a malformed file, a missing field, an inconsistent data set or model folder, a model
 * that cannot be found or fetched. The message names the file, the line (when there is one) and what was expected.
 * Checked, since callers reading files handle {@link IOException} anyway; part of the {@link BadInput} family.
 */
public class InvalidInputException extends IOException implements BadInput {
    /** The offending file, or null. */
    private final Path file;
    /** The 1-based line, or 0. */
    private final long line;

    /**
     * A problem not tied to one file.
     *
     * @param message what is wrong and what was expected
     */
    public InvalidInputException(String message) {
        this(null, 0, message, null);
    }

    /**
     * A problem not tied to one file, found through another error (for example an unreachable server).
     *
     * @param message what is wrong and what was expected
     * @param cause   the error that revealed it
     */
    public InvalidInputException(String message, Throwable cause) {
        this(null, 0, message, cause);
    }

    /**
     * A problem in a file.
     *
     * @param file    the offending file, or null
     * @param line    the 1-based line, or 0 when the problem is not on one line
     * @param message what is wrong and what was expected
     */
    public InvalidInputException(Path file, long line, String message) {
        this(file, line, message, null);
    }

    /**
     * A problem in a file, found through another error.
     *
     * @param file    the offending file, or null
     * @param line    the 1-based line, or 0 when the problem is not on one line
     * @param message what is wrong and what was expected
     * @param cause   the error that revealed it
     */
    public InvalidInputException(Path file, long line, String message, Throwable cause) {
        super(format(file, line, message), cause);
        this.file = file;
        this.line = line;
    }

    private static String format(Path file, long line, String message) {
        if (file == null) {
            return message;
        }
        return line > 0 ? file + ":" + line + ": " + message : file + ": " + message;
    }

    /**
     * The offending file.
     *
     * @return the file, or {@code null}
     */
    public Path file() {
        return file;
    }

    /**
     * The offending line.
     *
     * @return the 1-based line number, or 0 when not tied to a line
     */
    public long line() {
        return line;
    }
}
