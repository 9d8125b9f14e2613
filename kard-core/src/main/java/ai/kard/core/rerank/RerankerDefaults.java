package ai.kard.core.rerank;

import ai.kard.core.model.bert.BertPresets;

/**
 * Training defaults of the reranker per encoder. Pretrained encoders get the method's values (lr 1e-4,
 * 3 epochs, tau1 5 -> 1, tau2 500 -> 100, 4 + 4 samples); the from-scratch presets start from random weights and a
 * tiny width, so they use a larger learning rate, small batches (more steps) and cosine MaxSim with a temperature
 * matched to its bounded score scale. Measured on the demo benchmark (6,000 pairs): 2 epochs at lr 1.5e-3 with
 * 16 pairs per step reach a top-1 agreement of 0.34 with the rationale's BM25 ranking (lr 1e-3 / 8 pairs: 0.31;
 * one epoch at lr 2e-3 / 4 pairs: 0.15) and two-hop gold Hits@1 0.25 against BM25(question)'s 0.19: better, not
 * yet the +25 points the method is after.
 *
 * @param epochs         passes over the training pairs
 * @param learningRate   peak learning rate (linear warmup over 5%, then linear decay)
 * @param pairsPerBatch  pairs per optimizer step
 * @param targetTemperature tau1 schedule (on BM25 scores)
 * @param modelTemperature  tau2 schedule (on late-interaction scores)
 * @param normalize         cosine MaxSim (L2-normalised token vectors)
 * @param keepBest          the rationale's best passage in every step's sample
 * @param inBatchCandidates each pair's targets span all passages of its step
 * @param freezeWordEmbeddings keep the encoder's word embeddings fixed
 * @param softMaxSim        soft max over passage tokens in training, annealed; null: the hard max
 */
public record RerankerDefaults(int epochs, double learningRate, int pairsPerBatch,
        TemperatureSchedule targetTemperature, TemperatureSchedule modelTemperature, boolean normalize,
        boolean keepBest, boolean inBatchCandidates, boolean freezeWordEmbeddings, TemperatureSchedule softMaxSim) {
    /** The method's values (method.md section 4). */
    public static final RerankerDefaults METHOD = new RerankerDefaults(3, 1e-4, 8, new TemperatureSchedule(5, 1),
            new TemperatureSchedule(500, 100), false, false, false, false, null);

    /** The defaults for {@code encoderReference}. */
    public static RerankerDefaults forEncoder(String encoderReference) {
        if (BertPresets.isPreset(encoderReference)) {
            return new RerankerDefaults(2, 1.5e-3, 16, new TemperatureSchedule(5, 1), new TemperatureSchedule(1, 0.5),
                    true, false, false, false, null);
        }
        return METHOD;
    }
}
