package ai.kard.core.rerank;

import ai.djl.Device;
import ai.kard.api.InvalidSettingException;
import ai.kard.api.KnowledgeBase;
import ai.kard.api.Passage;
import ai.kard.api.Question;
import ai.kard.api.Rationale;
import ai.kard.api.ScoredPassage;
import ai.kard.core.internal.checkpoint.HfConfig;
import ai.kard.core.hub.ModelReference;
import ai.kard.core.internal.model.bert.BertConfig;
import ai.kard.core.internal.model.bert.BertPresets;
import ai.kard.core.model.ModelOptions;
import ai.kard.core.train.ProgressListener;
import ai.kard.core.internal.train.Trainer;
import ai.kard.core.internal.train.TrainerConfig;
import ai.kard.core.train.TrainingResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a {@link LateInteractionReranker} with KARD's rationale-distribution objective (the {@link ai.kard.core}
 * package overview describes it).
 *
 * <pre>{@code
 * LateInteractionReranker reranker = Kard.reranker("scratch:bert-tiny")   // or an HF folder / hub id
 *         .withKnowledgeBase(kb)
 *         .epochs(3).learningRate(1e-4).candidateCache(indexDir.resolve("kard-candidates"))
 *         .trainOn(questions, rationales);
 * }</pre>
 *
 * Steps: pairs (question, kept rationale); candidates mined up front ({@link CandidateMiner}, cached on disk);
 * the reranker's task trained by the shared training loop (progress, metrics, checkpoints, resume, NaN
 * guard); validation on held-out pairs ({@link RerankValidation}): the given validation set, or else a seeded 5%
 * of the training questions (at most 100).
 */
public final class RerankerTraining {
    private static final Logger LOG = LoggerFactory.getLogger(RerankerTraining.class);
    private static final String WORD_EMBEDDINGS = "embeddings.word_embeddings.weight";
    private static final Pattern CHECKPOINT = Pattern.compile("checkpoint-(\\d+)");

    private final String encoder;
    private final RerankerDefaults defaults;
    private Integer epochs;
    private Double learningRate;
    private Integer pairsPerBatch;
    private TemperatureSchedule targetTemperature;
    private TemperatureSchedule modelTemperature;
    private int rationaleCandidates = CandidateMiner.DEFAULT_RATIONALE_CANDIDATES;
    private int questionCandidates = CandidateMiner.DEFAULT_QUESTION_CANDIDATES;
    private int sampleRationale = 4;
    private int sampleQuestion = 4;
    private KnowledgeBase knowledgeBase;
    private Boolean freezePassages;
    private Boolean keepBest;
    private Boolean inBatch;
    private Boolean freezeWordEmbeddings;
    private TemperatureSchedule softMaxSim;
    private boolean hardMaxSim;
    private ScorerSettings settings;
    private Integer dim;
    private Integer queryMaxLength;
    private Integer passageMaxLength;
    private Integer maxSteps;
    private Boolean normalize;
    private ScoringMode mode;
    private Device device = Device.cpu();
    private long seed = 42;
    private Path candidateCache;
    private Path checkpointDir;
    private boolean resume;
    private int cacheSize = LateInteractionReranker.DEFAULT_CACHE_SIZE;
    private int validationCandidates = RerankEvaluation.DEFAULT_CANDIDATES;
    private List<Question> validationQuestions;
    private List<Rationale> validationRationales;
    private ProgressListener listener;
    private ModelReference references;

    private RerankerTraining(String encoder) {
        this.encoder = Objects.requireNonNull(encoder, "encoder");
        this.defaults = RerankerDefaults.forEncoder(encoder);
    }

    /**
     * A training recipe for an encoder: {@code scratch:bert-tiny} / {@code scratch:bert-mini} (random weights,
     * bundled tokenizer, their own training defaults), a local HF folder or a hub id.
     *
     * @param encoderReference a {@code scratch:} preset, a local HF folder or a hub id
     * @return a new recipe
     */
    public static RerankerTraining of(String encoderReference) {
        return new RerankerTraining(encoderReference);
    }

    /**
     * Passes over the training pairs (default: the encoder's); at least 1.
     *
     * @param value the number of epochs, at least 1
     * @return this recipe
     */
    public RerankerTraining epochs(int value) {
        if (value < 1) {
            throw new InvalidSettingException("epochs must be positive, got " + value);
        }
        epochs = value;
        return this;
    }

    /**
     * Peak AdamW learning rate (default: the encoder's); positive and finite.
     *
     * @param value the peak learning rate, positive and finite
     * @return this recipe
     */
    public RerankerTraining learningRate(double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new InvalidSettingException("learning rate must be positive and finite, got " + value);
        }
        learningRate = value;
        return this;
    }

    /**
     * Pairs per optimizer step (the KL loss is averaged over them).
     *
     * @param value pairs per step, at least 1
     * @return this recipe
     */
    public RerankerTraining pairsPerBatch(int value) {
        if (value < 1) {
            throw new InvalidSettingException("pairs per batch must be >= 1, got " + value);
        }
        pairsPerBatch = value;
        return this;
    }

    /**
     * tau1 annealed from {@code start} to {@code end} (default 5 -> 1).
     *
     * @param start the value at the first step
     * @param end the value at the last step
     * @return this recipe
     */
    public RerankerTraining targetTemperature(double start, double end) {
        targetTemperature = new TemperatureSchedule(start, end);
        return this;
    }

    /**
     * tau2 annealed from {@code start} to {@code end} (default 500 -> 100; the scratch presets their own).
     *
     * @param start the value at the first step
     * @param end the value at the last step
     * @return this recipe
     */
    public RerankerTraining modelTemperature(double start, double end) {
        modelTemperature = new TemperatureSchedule(start, end);
        return this;
    }

    /**
     * k1 and k2: BM25(rationale) top-k1 union BM25(question) top-k2 (default 32 + 32).
     *
     * @param fromRationale k1, the BM25(rationale) candidates per pair
     * @param fromQuestion k2, the BM25(question) candidates per pair
     * @return this recipe
     */
    public RerankerTraining candidates(int fromRationale, int fromQuestion) {
        rationaleCandidates = fromRationale;
        questionCandidates = fromQuestion;
        return this;
    }

    /**
     * Candidates sampled per pair and step from each side (default 4 + 4).
     *
     * @param fromRationale candidates sampled from the rationale side
     * @param fromQuestion candidates sampled from the question side
     * @return this recipe
     */
    public RerankerTraining sample(int fromRationale, int fromQuestion) {
        sampleRationale = fromRationale;
        sampleQuestion = fromQuestion;
        return this;
    }

    /**
     * Puts the rationale's best passage into every step's sample. Default: the encoder's.
     *
     * @param value true to keep the best passage in every sample
     * @return this recipe
     */
    public RerankerTraining keepBest(boolean value) {
        keepBest = value;
        return this;
    }

    /**
     * Gives every pair soft targets over all passages of its step, the other pairs' candidates included. Default:
     * the encoder's.
     *
     * @param value true for in-batch candidates
     * @return this recipe
     */
    public RerankerTraining inBatchCandidates(boolean value) {
        inBatch = value;
        return this;
    }

    /**
     * Keeps the encoder's word embeddings as they are. A from-scratch encoder then keeps exact lexical matching from
     * its random embeddings and cannot memorise the training passages' rare names (disease, drug), so what it learns
     * (the transformer layers and the projection) carries over to passages it never saw. Default: the encoder's.
     *
     * @param value true to freeze the word embeddings
     * @return this recipe
     */
    public RerankerTraining freezeWordEmbeddings(boolean value) {
        freezeWordEmbeddings = value;
        return this;
    }

    /**
     * Train with a soft max over passage tokens, annealed from {@code start} to {@code end} (default: the
     * encoder's); inference keeps the hard max. See {@link RerankerTask#softMaxSim}.
     *
     * @param start the value at the first step
     * @param end the value at the last step
     * @return this recipe
     */
    public RerankerTraining softMaxSim(double start, double end) {
        softMaxSim = new TemperatureSchedule(start, end);
        hardMaxSim = false;
        return this;
    }

    /**
     * Train with the hard max throughout, whatever the encoder's default.
     *
     * @return this recipe
     */
    public RerankerTraining hardMaxSim() {
        softMaxSim = null;
        hardMaxSim = true;
        return this;
    }

    /**
     * Keep the passage side at the initial weights: passages are encoded by a frozen copy of the starting scorer,
     * once per distinct passage, and the saved reranker keeps that copy for them. Default: the encoder's
     * (pretrained encoders freeze, scratch presets train both sides).
     *
     * @param value true to freeze the passage side
     * @return this recipe
     */
    public RerankerTraining freezePassages(boolean value) {
        freezePassages = value;
        return this;
    }

    /**
     * Projection width, query and passage lengths, normalisation (default dim 128, 64 and 180 tokens).
     *
     * @param value the scorer settings
     * @return this recipe
     */
    public RerankerTraining scorerSettings(ScorerSettings value) {
        settings = Objects.requireNonNull(value, "settings");
        return this;
    }

    /**
     * Projection width (default: the recipe's width capped at a pretrained encoder's hidden size, with a
     * similarity-preserving projection, so training starts from its zero-shot scores; 128 for the from-scratch
     * presets).
     *
     * @param value the projection width
     * @return this recipe
     */
    public RerankerTraining dim(int value) {
        dim = value;
        return this;
    }

    /**
     * Question and passage tokens kept, [CLS] and [SEP] included (default: the encoder's; pretrained 64 and 48).
     *
     * @param query question tokens kept
     * @param passage passage tokens kept
     * @return this recipe
     */
    public RerankerTraining maxLengths(int query, int passage) {
        queryMaxLength = query;
        passageMaxLength = passage;
        return this;
    }

    /**
     * Late interaction (MaxSim, the default) or bi-encoder (mean-pooled cosine); recorded in reranker.json.
     *
     * @param value the scoring mode
     * @return this recipe
     */
    public RerankerTraining mode(ScoringMode value) {
        mode = Objects.requireNonNull(value, "mode");
        return this;
    }

    /**
     * At most this many optimizer steps, 0 for no cap (default: the encoder's; pretrained 200). When the pairs
     * would give more, a seeded subset of them spread over the questions ({@link RerankerPair#spreadOverQuestions})
     * is mined and trained on, so a large rationale file costs no more time than the cap.
     *
     * @param value the step cap, 0 for none
     * @return this recipe
     */
    public RerankerTraining maxSteps(int value) {
        if (value < 0) {
            throw new InvalidSettingException("max steps must be >= 0 (0: no cap), got " + value);
        }
        maxSteps = value;
        return this;
    }

    /**
     * The encoder as it is, no training: a pretrained folder or hub id with {@link ScorerSettings#zeroShot}
     * settings (identity projection, cosine) in this recipe's mode, on this recipe's device.
     *
     * @return the reranker; the caller closes it
     * @throws IOException when the encoder cannot be read (an {@link ai.kard.api.InvalidInputException} for a bad
     *     folder)
     */
    public LateInteractionReranker zeroShot() throws IOException {
        LateInteractionScorer scorer = LateInteractionScorer.zeroShot(encoder,
                mode != null ? mode : ScoringMode.LATE_INTERACTION,
                new ModelOptions(device, ai.djl.ndarray.types.DataType.FLOAT32), references());
        return new LateInteractionReranker(scorer, cacheSize);
    }

    private ModelReference references() {
        return references != null ? references : ModelReference.fromEnvironment();
    }

    /**
     * Cosine MaxSim on L2-normalised vectors instead of dot products. Default: the encoder's.
     *
     * @param value true to normalise the vectors
     * @return this recipe
     */
    public RerankerTraining normalize(boolean value) {
        normalize = value;
        return this;
    }

    /**
     * The device to train on (default: the CPU).
     *
     * @param value the device
     * @return this recipe
     */
    public RerankerTraining device(Device value) {
        device = Objects.requireNonNull(value, "device");
        return this;
    }

    /**
     * The seed of initialisation, sampling and the held-out split (default 42).
     *
     * @param value the seed
     * @return this recipe
     */
    public RerankerTraining seed(long value) {
        seed = value;
        return this;
    }

    /**
     * Where mined candidates are cached (a second run with the same inputs does not search again).
     *
     * @param dir the cache folder
     * @return this recipe
     */
    public RerankerTraining candidateCache(Path dir) {
        candidateCache = dir;
        return this;
    }

    /**
     * Writes checkpoints, {@code metrics.jsonl} and {@code loss.png} to {@code dir} (default: none), as
     * {@code Distillation.checkpoints} does.
     *
     * @param dir             the checkpoint directory
     * @param resumeIfPresent continue from the newest checkpoint in {@code dir} when there is one
     * @return this recipe
     */
    public RerankerTraining checkpoints(Path dir, boolean resumeIfPresent) {
        checkpointDir = Objects.requireNonNull(dir, "checkpoint directory");
        resume = resumeIfPresent;
        return this;
    }

    /**
     * Mines training candidates from {@code kb}: BM25 with the rationale and with the question.
     *
     * @param kb the knowledge base; the recipe does not close it
     * @return this recipe
     */
    public RerankerTraining withKnowledgeBase(KnowledgeBase kb) {
        knowledgeBase = Objects.requireNonNull(kb, "knowledge base");
        return this;
    }

    /**
     * Passage vectors kept by the returned reranker (default 10,000).
     *
     * @param value the number of passage vectors cached, 0 for none
     * @return this recipe
     */
    public RerankerTraining cacheSize(int value) {
        cacheSize = value;
        return this;
    }

    /**
     * BM25 candidates reranked by the Hits@k validation (default 100).
     *
     * @param value the number of candidates
     * @return this recipe
     */
    public RerankerTraining validationCandidates(int value) {
        validationCandidates = value;
        return this;
    }

    /**
     * Held-out questions and rationales for validation (default: 5% of the training questions are held out).
     *
     * @param questions the held-out questions
     * @param rationales their rationales
     * @return this recipe
     */
    public RerankerTraining validation(List<Question> questions, List<Rationale> rationales) {
        validationQuestions = List.copyOf(questions);
        validationRationales = List.copyOf(rationales);
        return this;
    }

    /**
     * Receives progress (default: none, the trainer logs).
     *
     * @param value the listener
     * @return this recipe
     */
    public RerankerTraining listener(ProgressListener value) {
        listener = value;
        return this;
    }

    /**
     * How hub ids and folders are resolved (default: the environment's HF cache settings).
     *
     * @param value the resolver
     * @return this recipe
     */
    public RerankerTraining references(ModelReference value) {
        references = value;
        return this;
    }

    /**
     * Trains on the knowledge base given by {@link #withKnowledgeBase} and returns the reranker.
     *
     * @param questions  the training questions
     * @param rationales their teacher rationales (the reranker learns to rank as BM25 with the rationale does)
     * @return the trained reranker; the caller closes it
     * @throws IOException when reading the encoder or the knowledge base fails (an
     *                     {@link ai.kard.api.InvalidInputException} for a bad encoder folder)
     */
    public LateInteractionReranker trainOn(List<Question> questions, List<Rationale> rationales) throws IOException {
        return train(questions, rationales).reranker();
    }

    /**
     * Shorthand for {@code withKnowledgeBase(kb).trainOn(questions, rationales)}, the one-line form of the
     * architecture's fluent shape: {@code Kard.reranker(encoder).trainOn(kb, questions, rationales)}.
     *
     * @param kb         the knowledge base whose passages the reranker learns to rank
     * @param questions  the training questions
     * @param rationales their teacher rationales
     * @return the trained reranker; the caller closes it
     * @throws IOException when reading the encoder or the knowledge base fails
     */
    public LateInteractionReranker trainOn(KnowledgeBase kb, List<Question> questions, List<Rationale> rationales)
            throws IOException {
        return withKnowledgeBase(kb).trainOn(questions, rationales);
    }

    /** Everything a training run produced. */
    public record Result(LateInteractionReranker reranker, TrainingResult training, RerankValidation validation,
            int trainPairs, int validationPairs) {
    }

    /**
     * Trains, validates and returns the reranker with the run's figures.
     *
     * @param questions  the training questions
     * @param rationales their teacher rationales
     * @return the reranker (the caller closes it), the training figures and the validation
     * @throws IOException when reading the encoder or the knowledge base fails
     * @throws ai.kard.api.InvalidSettingException when no knowledge base was given, before any work
     */
    public Result train(List<Question> questions, List<Rationale> rationales) throws IOException {
        KnowledgeBase kb = knowledgeBase;
        if (kb == null) {
            throw new InvalidSettingException("reranker training needs a knowledge base: withKnowledgeBase(kb)");
        }
        ModelOptions.requireAvailable(device); // before mining candidates and loading the encoder
        List<RerankerPair> train;
        List<RerankerPair> heldOut;
        if (validationQuestions != null) {
            train = RerankerPair.of(questions, rationales);
            heldOut = RerankerPair.of(validationQuestions, validationRationales);
        } else {
            Set<String> held = holdOut(questions);
            List<RerankerPair> all = RerankerPair.of(questions, rationales);
            train = all.stream().filter(p -> !held.contains(p.questionId())).toList();
            heldOut = all.stream().filter(p -> held.contains(p.questionId())).toList();
        }
        int stepCap = maxSteps != null ? maxSteps : defaults.maxSteps();
        if (stepCap > 0) {
            // A capped run validates on one rationale per held-out question (many rationales each cost time).
            heldOut = RerankerPair.spreadOverQuestions(heldOut,
                    (int) heldOut.stream().map(RerankerPair::questionId).distinct().count(), seed);
        }
        if (train.isEmpty()) {
            throw new InvalidSettingException("no (question, rationale) pairs to train on: " + questions.size()
                    + " questions, " + rationales.size() + " rationales");
        }
        double lr = learningRate != null ? learningRate : defaults.learningRate();
        int perBatch = pairsPerBatch != null ? pairsPerBatch : defaults.pairsPerBatch();
        int pairsAvailable = train.size();
        train = capPairs(train, stepCap, epochs != null ? epochs : defaults.epochs(), perBatch, seed);
        if (train.size() < pairsAvailable) {
            LOG.info("step cap {}: training on {} of {} pairs, spread over the questions", stepCap, train.size(),
                    pairsAvailable);
        }
        CandidateMiner miner = new CandidateMiner(rationaleCandidates, questionCandidates, candidateCache);
        List<PairCandidates> trainCandidates = miner.mine(kb, train);
        List<PairCandidates> heldOutCandidates = heldOut.isEmpty() ? List.of() : miner.mine(kb, heldOut);

        TemperatureSchedule tau1 = targetTemperature != null ? targetTemperature : defaults.targetTemperature();
        TemperatureSchedule tau2 = modelTemperature != null ? modelTemperature : defaults.modelTemperature();
        ScorerSettings scorerSettings = settings != null ? settings : defaults.scorerSettings();
        if (queryMaxLength != null) {
            scorerSettings = scorerSettings.withMaxLengths(queryMaxLength, passageMaxLength);
        }
        ModelReference resolver = references();
        if (dim != null) {
            scorerSettings = scorerSettings.withDim(dim);
        } else if (settings == null && !BertPresets.isPreset(encoder)) {
            // The default width keeps a pretrained encoder's similarities: no wider than its hidden size.
            int hidden = BertConfig.from(HfConfig.read(resolver.resolve(encoder))).hiddenSize();
            scorerSettings = scorerSettings.withDim(Math.min(scorerSettings.dim(), hidden));
        }
        if (mode != null) {
            scorerSettings = scorerSettings.withMode(mode);
        }
        if (normalize != null) {
            scorerSettings = scorerSettings.withNormalize(normalize);
        }
        LateInteractionScorer scorer = LateInteractionScorer.create(encoder, scorerSettings, seed,
                new ModelOptions(device, ai.djl.ndarray.types.DataType.FLOAT32),
                resolver);
        boolean frozen = freezePassages != null ? freezePassages : defaults.freezePassages();
        LateInteractionScorer passageScorer = null;
        try {
            boolean frozenWords = freezeWordEmbeddings != null ? freezeWordEmbeddings : defaults.freezeWordEmbeddings();
            if (frozenWords) {
                scorer.encoder().parameters().get(WORD_EMBEDDINGS).freeze(true);
            }
            Map<String, int[]> passageTokens = passageTokens(kb, scorer, trainCandidates, heldOutCandidates);
            FrozenPassageVectors frozenVectors = null;
            if (frozen) {
                // Created like the trained scorer (same seed): the starting weights, kept for the passage side.
                passageScorer = LateInteractionScorer.create(encoder, scorerSettings, seed,
                        new ModelOptions(device, ai.djl.ndarray.types.DataType.FLOAT32),
                        resolver);
                frozenVectors = new FrozenPassageVectors(passageScorer);
                long started = System.nanoTime();
                int count = frozenVectors.precompute(passageTokens.values());
                LOG.info("frozen passage side: encoded {} candidate passages once in {} s", count,
                        String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e9));
            }
            boolean best = keepBest != null ? keepBest : defaults.keepBest();
            boolean shared = inBatch != null ? inBatch : defaults.inBatchCandidates();
            List<RerankerPair> trainPairs = train;
            RerankBatchSource.TargetScorer targets = shared
                    ? (pair, ids) -> bm25(kb, trainPairs.get(pair).rationale(), ids) : null;
            RerankBatchSource source = new RerankBatchSource(queryTokens(scorer, train), trainCandidates,
                    passageTokens, sampleRationale, sampleQuestion, perBatch, seed, best, targets);
            List<RerankBatch> validationBatches = new ArrayList<>();
            if (!heldOut.isEmpty()) {
                RerankBatchSource held = new RerankBatchSource(queryTokens(scorer, heldOut), heldOutCandidates,
                        passageTokens, sampleRationale, sampleQuestion, perBatch, seed + 1);
                for (int i = 0; i < held.size(); i++) {
                    validationBatches.add(held.batch(i, 0));
                }
            }
            int epochCount = epochs != null ? epochs : defaults.epochsFor(source.size());
            if (stepCap > 0 && (long) epochCount * source.size() > stepCap) {
                epochCount = Math.max(1, stepCap / source.size());
            }
            TrainerConfig.Builder config = TrainerConfig.builder().epochs(epochCount).learningRate(lr)
                    .linearWarmupFraction(0.05).maxGradNorm(1.0).seed(seed).device(device)
                    .checkpointDir(checkpointDir).logEverySteps(Math.max(1, Math.min(50, source.size() / 4)));
            RerankerTask task = new RerankerTask(scorer, tau1, tau2, (long) source.size() * epochCount,
                    frozen).softMaxSim(hardMaxSim ? null : softMaxSim != null ? softMaxSim
                            : defaults.softMaxSim()).frozenPassages(frozenVectors);
            Trainer.Builder<RerankBatch> trainer = Trainer.builder(config.build());
            if (listener != null) {
                trainer.listener(listener);
            }
            LOG.info("training reranker on {} ({} pairs, {} held out) with {}, lr {}, {} epochs, {} pairs/step,"
                    + " samples {}+{}, keep best {}, in-batch candidates {}, frozen word embeddings {}, {}", encoder,
                    source.pairCount(), heldOut.size(), task, lr, epochCount, perBatch, sampleRationale,
                    sampleQuestion, best, shared, frozenWords, scorerSettings);
            Optional<Path> from = resume && checkpointDir != null ? Trainer.latestCheckpoint(checkpointDir)
                    : Optional.empty();
            TrainingResult result;
            if (from.isPresent()) {
                task.startAt(stepOf(from.get()));
                result = trainer.build().resume(task, source, validationBatches, from.get());
            } else {
                result = trainer.build().fit(task, source, validationBatches);
            }
            if (passageScorer != null) {
                scorer.attachPassageScorer(passageScorer);
                passageScorer = null; // owned by the scorer now
            }
            LateInteractionReranker reranker = new LateInteractionReranker(scorer, cacheSize);
            RerankValidation validation = null;
            if (!heldOut.isEmpty()) {
                validation = new RerankValidation(
                        RerankEvaluation.amongCandidates(kb, reranker, heldOut, heldOutCandidates),
                        RerankEvaluation.rationaleHits(kb, reranker, heldOut, heldOutCandidates, validationCandidates));
                LOG.info("validation:\n{}", validation.format());
            }
            return new Result(reranker, result, validation, source.pairCount(), heldOut.size());
        } catch (IOException | RuntimeException e) {
            if (passageScorer != null) {
                passageScorer.close();
            }
            scorer.close();
            throw e;
        }
    }

    /**
     * The pairs a run with a cap of {@code stepCap} steps (0: none) trains on: all of them when {@code epochs}
     * passes stay within the cap, else {@code floor(stepCap / epochs)} (at least one) batches' worth spread over
     * the questions.
     */
    static List<RerankerPair> capPairs(List<RerankerPair> pairs, int stepCap, int epochs, int perBatch,
            long seed) {
        if (stepCap <= 0) {
            return pairs;
        }
        long pairsWithinCap = (long) Math.max(1, stepCap / epochs) * perBatch;
        return pairs.size() <= pairsWithinCap ? pairs
                : RerankerPair.spreadOverQuestions(pairs, (int) pairsWithinCap, seed);
    }

    /** Query token ids of every pair; each distinct query (a question's rationales share it) tokenized once. */
    private static List<int[]> queryTokens(LateInteractionScorer scorer, List<RerankerPair> pairs) {
        Map<String, int[]> byText = new HashMap<>();
        return pairs.stream().map(p -> byText.computeIfAbsent(p.query(), scorer::queryTokens)).toList();
    }

    private static float[] bm25(KnowledgeBase kb, String rationale, List<String> ids) throws IOException {
        List<ScoredPassage> scored = kb.score(rationale, ids);
        float[] out = new float[scored.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) scored.get(i).score();
        }
        return out;
    }

    private Set<String> holdOut(List<Question> questions) {
        int count = Math.min(100, questions.size() / 20);
        List<String> ids = new ArrayList<>(questions.stream().map(Question::id).toList());
        SplittableRandom random = new SplittableRandom(seed ^ 0x48454C44L);
        Set<String> held = new LinkedHashSet<>();
        while (held.size() < count) {
            held.add(ids.remove(random.nextInt(ids.size())));
        }
        return held;
    }

    private static Map<String, int[]> passageTokens(KnowledgeBase kb, LateInteractionScorer scorer,
            List<PairCandidates> first, List<PairCandidates> second) throws IOException {
        Map<String, int[]> tokens = new HashMap<>();
        for (List<PairCandidates> list : List.of(first, second)) {
            for (PairCandidates c : list) {
                for (String id : c.ids()) {
                    if (!tokens.containsKey(id)) {
                        Passage p = kb.passage(id).orElseThrow(() -> new InvalidSettingException(
                                "the knowledge base has no passage " + id));
                        tokens.put(id, scorer.passageTokens(p.contents()));
                    }
                }
            }
        }
        return tokens;
    }

    private static long stepOf(Path checkpoint) {
        Matcher m = CHECKPOINT.matcher(checkpoint.getFileName().toString());
        if (!m.matches()) {
            throw new InvalidSettingException(checkpoint + " is not a checkpoint-NNNNNNNN folder");
        }
        return Long.parseLong(m.group(1));
    }

    @Override
    public String toString() {
        return "RerankerTraining(" + encoder + ", epochs=" + (epochs != null ? epochs : defaults.epochs()) + ", lr="
                + (learningRate != null ? learningRate : defaults.learningRate()) + ", candidates="
                + rationaleCandidates + "+" + questionCandidates + ", sample=" + sampleRationale + "+" + sampleQuestion
                + ", freezePassages=" + (freezePassages != null ? freezePassages : defaults.freezePassages()) + ")";
    }
}
