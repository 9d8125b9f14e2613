package ai.kard.api;

import java.io.IOException;
import java.util.List;

/**
 * Produces teacher rationales for labelled questions (a teacher LLM, or a file of released rationales).
 */
public interface RationaleSource {

    /** Up to {@code n} rationales for a question whose gold answer is known. */
    List<Rationale> rationalesFor(Question question, int n) throws IOException;
}
