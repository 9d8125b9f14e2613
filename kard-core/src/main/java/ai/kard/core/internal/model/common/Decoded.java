package ai.kard.core.internal.model.common;

import java.util.List;

/**
 * What one batched generation produced, row by row (rows = prompts x samples, prompt-major).
 *
 * @param tokens     generated ids per row, including the stop token when the row stopped
 * @param stopped    whether each row ended on a stop token (else it hit the token limit)
 * @param stepLogits per row, the logits that produced each of its tokens ({@code [steps][vocab]}); empty lists
 *                   unless requested
 * @param steps      decoding steps the batch ran
 */
public record Decoded(List<int[]> tokens, boolean[] stopped, List<float[][]> stepLogits, int steps) {
}
