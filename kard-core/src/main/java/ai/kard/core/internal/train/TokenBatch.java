package ai.kard.core.internal.train;

import java.util.List;

/**
 * A batch of (prompt, target) token-id sequences for a {@link ai.kard.core.internal.model.LanguageModel}: unpadded, the
 * model pads and masks. Counts prompt plus target tokens for the trainer's tokens/s.
 */
public record TokenBatch(List<int[]> prompts, List<int[]> targets) implements TokenCounted {

    public TokenBatch {
        if (prompts == null || targets == null || prompts.isEmpty()) {
            throw new IllegalArgumentException("a token batch needs at least one (prompt, target) pair");
        }
        if (prompts.size() != targets.size()) {
            throw new IllegalArgumentException(
                    prompts.size() + " prompts but " + targets.size() + " targets: they must pair up");
        }
        prompts = List.copyOf(prompts);
        targets = List.copyOf(targets);
    }

    public int size() {
        return prompts.size();
    }

    @Override
    public long tokenCount() {
        long n = 0;
        for (int i = 0; i < prompts.size(); i++) {
            n += prompts.get(i).length + targets.get(i).length;
        }
        return n;
    }
}
