package ai.kard.core.distill;

import ai.kard.core.internal.model.LanguageModel;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The token ids a student actually sees for an encoded prompt. A decoder-only student gets its
 * {@code bos_token_id} in front (when its config has one and the prompt does not already start with it): the
 * target's first token is then predicted from a fixed start state, as in pretraining, and a prompt is never empty.
 * Encoder-decoder students (T5) take the prompt as is.
 */
final class PromptIds {
    private PromptIds() {
    }

    /** {@code prompt} as fed to {@code model}; training and inference both go through here. */
    static int[] forModel(LanguageModel model, int[] prompt) {
        if (model.isEncoderDecoder()) {
            return prompt;
        }
        int bos = bosTokenId(model);
        if (bos < 0 || (prompt.length > 0 && prompt[0] == bos)) {
            return prompt;
        }
        int[] out = new int[prompt.length + 1];
        out[0] = bos;
        System.arraycopy(prompt, 0, out, 1, prompt.length);
        return out;
    }

    /** The config's {@code bos_token_id} (the first one when it lists several), or -1 when it has none. */
    static int bosTokenId(LanguageModel model) {
        JsonNode node = model.config().json().get("bos_token_id");
        if (node != null && node.isArray() && !node.isEmpty()) {
            node = node.get(0);
        }
        return node != null && node.isIntegralNumber() ? node.intValue() : -1;
    }
}
