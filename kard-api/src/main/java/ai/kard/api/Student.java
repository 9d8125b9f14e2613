package ai.kard.api;

import java.util.List;

/**
 * A small language model that writes an explanation and an answer for a prompt.
 * Implementations are thread-safe and own native resources until closed.
 */
public interface Student extends AutoCloseable {

    /**
     * Generates one continuation per prompt.
     *
     * @param prompts  the prompts
     * @param decoding greedy or sampling settings
     * @return one generated text per prompt, in prompt order
     */
    List<String> generate(List<String> prompts, Decoding decoding);

    @Override
    void close();
}
