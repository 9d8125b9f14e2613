package ai.kard.core.rerank;

import ai.kard.api.InvalidSettingException;
import ai.kard.core.internal.model.bert.BertPresets;

/**
 * Training defaults of the reranker per encoder: {@link #SCRATCH} for the {@code scratch:} presets,
 * {@link #PRETRAINED} for HF folders and hub ids; {@link #METHOD} keeps the KARD paper's values (lr 1e-4, 3 epochs,
 * tau1 5 -> 1, tau2 500 -> 100, 4 + 4 uniform samples, hard MaxSim) for reference.
 *
 * <p>A pretrained encoder already ranks passages well, so its run is short and gentle: it starts from a
 * similarity-preserving projection to min(384, hidden) dims (the zero-shot ranking), cosine MaxSim with the hard
 * max, lr 1e-4, at most 200 steps of 16 pairs (a larger rationale file is subsampled, spread over the questions),
 * frozen word embeddings, 64 question and 48 passage tokens, and a frozen passage side whose token vectors are
 * computed once. Measured with all-MiniLM-L6-v2 on OpenBookQA (open book of 1,326 facts, released rationales,
 * gold-fact Recall@1 / Recall@10 on the 500 dev questions, reranking BM25(question + options) top-100; BM25 itself
 * 0.372 / 0.684):
 * <ul>
 *   <li>zero-shot (no training): 0.520 / 0.818 with a 128-dim projection, 0.544 / 0.826 with 384 (exact); a dot
 *       product instead of cosine: 0.458 / 0.806;</li>
 *   <li>frozen passage side, 100 steps at lr 5e-5: 0.554 / 0.840; the same with the passage side trained:
 *       0.552 / 0.842 in 2.7 times the time (1,749 s against 647 s: every step encodes its 128 passages too);</li>
 *   <li>these defaults (200 steps, lr 1e-4, frozen word embeddings): 0.556 / 0.836, 811 s on a 2-core machine
 *       shared with other jobs; lr 3e-4: 0.530 / 0.820.</li>
 * </ul>
 *
 * <p>The from-scratch presets start from random weights and a tiny width, so they use a larger learning rate,
 * small batches, at least 500 steps, cosine MaxSim with a temperature matched to its bounded score scale, and
 * three training aids (the objective stays KL(Q || P) with Q from BM25(rationale)). Measured with 1,000 training
 * questions (one rationale each) of the demo benchmark, 8 epochs, gold-passage Hits@1 on its 100 two-hop test
 * questions when reranking BM25(question) top-100 (BM25 itself: 0.19):
 * <ul>
 *   <li>soft MaxSim in training (logsumexp over passage tokens, softness 0.2 -> 0.02; inference keeps the max):
 *       with a random encoder the hard max sends each question token's gradient to one arbitrary passage token,
 *       so a lay word never finds the term it stands for ("dry mouth" -> "xerostomia") and the model memorises
 *       the training questions instead: 0.32 -> 0.61;</li>
 *   <li>the rationale's best passage in every step's sample ({@code keepBest}): uniform draws from 32
 *       candidates leave it out 7 times in 8;</li>
 *   <li>in-batch candidates: each pair's targets span every passage of its step, scored by BM25(rationale), so
 *       the other pairs' candidates join as easy candidates at no encoder cost (with keepBest, hard max:
 *       0.22 -> 0.32).</li>
 * </ul>
 * Uniform samples with the hard max (the previous defaults): 0.12 after 2 epochs, 0.26 after 8. Frozen word
 * embeddings (an option) do not help: 0.24 with the hard max, 0.31 with the soft one.
 *
 * @param epochs               passes over the training pairs (at least; see {@code minSteps})
 * @param minSteps             more epochs when {@code epochs} would give fewer optimizer steps than this
 * @param learningRate         peak learning rate (linear warmup over 5%, then linear decay)
 * @param pairsPerBatch        pairs per optimizer step
 * @param targetTemperature    tau1 schedule (on BM25 scores)
 * @param modelTemperature     tau2 schedule (on late-interaction scores)
 * @param normalize            cosine MaxSim (L2-normalised token vectors)
 * @param keepBest             the rationale's best passage in every step's sample
 * @param inBatchCandidates    each pair's targets span all passages of its step
 * @param freezeWordEmbeddings keep the encoder's word embeddings fixed
 * @param softMaxSim           soft max over passage tokens in training, annealed; null: the hard max
 * @param maxSteps             at most this many optimizer steps (0: no cap); when the pairs would give more, a
 *                             seeded subset of them, spread over the questions, is trained on for one epoch
 * @param scorer               projection width, question and passage lengths (normalisation comes from
 *                             {@code normalize})
 * @param freezePassages       keep the passage side at the initial weights (a frozen copy whose token vectors
 *                             are computed once per passage): a step encodes only its questions
 */
record RerankerDefaults(int epochs, int minSteps, double learningRate, int pairsPerBatch,
        TemperatureSchedule targetTemperature, TemperatureSchedule modelTemperature, boolean normalize,
        boolean keepBest, boolean inBatchCandidates, boolean freezeWordEmbeddings, TemperatureSchedule softMaxSim,
        int maxSteps, ScorerSettings scorer, boolean freezePassages) {
    /** The KARD paper's reranker values. */
    public static final RerankerDefaults METHOD = new RerankerDefaults(3, 0, 1e-4, 8, new TemperatureSchedule(5, 1),
            new TemperatureSchedule(500, 100), false, false, false, false, null, 0, ScorerSettings.defaults(), false);

    /** The from-scratch presets' values (see the class comment for the measurements). */
    public static final RerankerDefaults SCRATCH = new RerankerDefaults(2, 500, 1.5e-3, 16,
            new TemperatureSchedule(5, 1), new TemperatureSchedule(1, 0.5), true, true, true, false,
            new TemperatureSchedule(0.2, 0.02), 0, ScorerSettings.defaults(), false);

    /** Pretrained encoders (HF folders and hub ids); see the class comment for the measurements. */
    public static final RerankerDefaults PRETRAINED = new RerankerDefaults(1, 0, 1e-4, 16,
            new TemperatureSchedule(5, 1), new TemperatureSchedule(1, 0.5), true, true, true, true,
            null, 200, ScorerSettings.defaults().withDim(384).withMaxLengths(64, 48), true);

    public RerankerDefaults {
        if (epochs < 1 || minSteps < 0 || maxSteps < 0 || pairsPerBatch < 1) {
            throw new InvalidSettingException("need epochs >= 1, minSteps >= 0, maxSteps >= 0 and pairsPerBatch"
                    + " >= 1, got " + epochs + ", " + minSteps + ", " + maxSteps + ", " + pairsPerBatch);
        }
        if (!(learningRate > 0)) {
            throw new InvalidSettingException("learning rate must be > 0, got " + learningRate);
        }
        java.util.Objects.requireNonNull(scorer, "scorer");
    }

    /** The defaults for {@code encoderReference}: {@link #SCRATCH} for a preset, else {@link #PRETRAINED}. */
    public static RerankerDefaults forEncoder(String encoderReference) {
        return BertPresets.isPreset(encoderReference) ? SCRATCH : PRETRAINED;
    }

    /** The scorer settings these defaults start from (their {@code scorer} with {@code normalize}). */
    public ScorerSettings scorerSettings() {
        return scorer.withNormalize(normalize);
    }

    /** Epochs for a run of {@code batchesPerEpoch} steps per epoch: {@code epochs}, or more to reach minSteps. */
    public int epochsFor(int batchesPerEpoch) {
        if (batchesPerEpoch < 1) {
            throw new InvalidSettingException("batches per epoch must be >= 1, got " + batchesPerEpoch);
        }
        return Math.max(epochs, (minSteps + batchesPerEpoch - 1) / batchesPerEpoch);
    }
}
