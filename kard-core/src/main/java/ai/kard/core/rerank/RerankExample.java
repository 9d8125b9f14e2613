package ai.kard.core.rerank;

import java.util.List;

/**
 * One pair's share of a training step: the query's token ids, the sampled candidates' token ids and their soft
 * target scores BM25(rationale, d). Plain Java data, built by {@link RerankBatchSource}.
 *
 * @param query        {@code [CLS] query [SEP]} token ids
 * @param passages     {@code [CLS] passage [SEP]} token ids of the sampled candidates (at least 2)
 * @param targetScores BM25(rationale, passage) of each sampled candidate
 */
record RerankExample(int[] query, List<int[]> passages, float[] targetScores) {
    public RerankExample {
        passages = List.copyOf(passages);
        if (passages.size() != targetScores.length) {
            throw new IllegalArgumentException(passages.size() + " passages for " + targetScores.length + " targets");
        }
    }
}
