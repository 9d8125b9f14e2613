package ai.kard.core.rerank;

import ai.kard.core.train.TokenCounted;
import java.util.List;

/** The examples of one training step; the loss is averaged over them. */
public record RerankBatch(List<RerankExample> examples) implements TokenCounted {
    public RerankBatch {
        examples = List.copyOf(examples);
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("a rerank batch needs at least one example");
        }
    }

    @Override
    public long tokenCount() {
        long n = 0;
        for (RerankExample e : examples) {
            n += e.query().length;
            for (int[] p : e.passages()) {
                n += p.length;
            }
        }
        return n;
    }
}
