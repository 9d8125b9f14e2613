package ai.kard.core.parity;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;

/** The checks of one architecture's fixtures (see the fixture README): throws AssertionError on a mismatch. */
interface ParityCheck {
    void check(Path fixture, JsonNode expected) throws Exception;
}
