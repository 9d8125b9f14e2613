package ai.kard.api;

/**
 * A setting the caller can fix: a recipe value out of range (epochs, learning rate, batch size), an unknown preset
 * or device, an option that contradicts another. Unchecked, like the {@link IllegalArgumentException} it extends,
 * but part of the {@link BadInput} family: a plain {@code IllegalArgumentException} means a programming error.
 * The message names the setting, the bad value and what is accepted.
 */
public class InvalidSettingException extends IllegalArgumentException implements BadInput {
    /**
     * A bad setting.
     *
     * @param message names the setting, its value and the accepted range
     */
    public InvalidSettingException(String message) {
        super(message);
    }

    /**
     * A bad setting detected through another error (for example a number that does not parse).
     *
     * @param message names the setting, its value and the accepted range
     * @param cause   the error that revealed it
     */
    public InvalidSettingException(String message, Throwable cause) {
        super(message, cause);
    }
}
