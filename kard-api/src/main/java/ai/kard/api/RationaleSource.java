package ai.kard.api;

import java.io.IOException;
import java.util.List;

/**
 * Produces teacher rationales for labelled questions (a teacher LLM, or a file of released rationales).
 */
public interface RationaleSource {

    /**
     * Rationales for a question whose gold answer is known.
     *
     * @param question a labelled question
     * @param n        how many rationales at most
     * @return up to {@code n} rationales
     * @throws IOException when the source (an endpoint, a file) fails
     */
    List<Rationale> rationalesFor(Question question, int n) throws IOException;
}
