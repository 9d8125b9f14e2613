package ai.kard.core.parity;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;

/** The checks of one architecture's fixtures (see the fixture README): throws AssertionError on a mismatch. */
interface ParityCheck {
    void check(Path fixture, JsonNode expected) throws Exception;

    /**
     * Loads the fixture's model for {@link GradientParity}: its parameters by HF name and the loss that
     * {@code gradients} ({@code gradients.json}) states, on the {@code inputs} of {@code expected}.
     */
    GradientSubject gradientSubject(Path fixture, JsonNode expected, JsonNode gradients) throws Exception;
}
