package ai.kard.api;

import java.util.Optional;

/**
 * Marks the exceptions whose cause is the caller's input, which the caller can fix: a malformed or missing file,
 * a model folder Kard cannot use, a setting out of range ({@link InvalidInputException}, checked, for files and
 * models; {@link InvalidSettingException}, unchecked, for settings). Every other exception is an internal failure.
 * The {@code kard} command line maps this family to exit code 2 with the one-line {@link #getMessage() message},
 * everything else to exit code 1.
 */
public interface BadInput {
    /**
     * What is wrong, on one line.
     *
     * @return one line naming the file, the line, the key or the value, and what was expected
     */
    String getMessage();

    /**
     * Finds bad input in a cause chain.
     *
     * @param error any throwable
     * @return the first {@link BadInput} in {@code error}'s cause chain (itself included), or empty
     */
    static Optional<BadInput> find(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof BadInput bad) {
                return Optional.of(bad);
            }
        }
        return Optional.empty();
    }
}
