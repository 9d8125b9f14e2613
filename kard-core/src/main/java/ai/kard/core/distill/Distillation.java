package ai.kard.core.distill;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import ai.kard.api.InvalidSettingException;
import ai.kard.api.KnowledgeBase;
import ai.kard.api.Prediction;
import ai.kard.api.Question;
import ai.kard.api.Rationale;
import ai.kard.api.Reranker;
import ai.kard.core.internal.model.Dropout;
import ai.kard.core.internal.model.LanguageModel;
import ai.kard.core.model.ModelOptions;
import ai.kard.core.internal.tokenizer.TextTokenizer;
import ai.kard.core.train.EpochMetrics;
import ai.kard.core.train.ProgressListener;
import ai.kard.core.internal.train.Trainer;
import ai.kard.core.internal.train.TrainerConfig;
import ai.kard.core.train.TrainingResult;
import ai.kard.core.internal.train.BatchSource;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fluent distillation recipe started by {@code Kard.student(ref)}. Settings not given come from the student's
 * {@link TrainingDefaults}; everything is validated when {@link #distillFrom} runs, with a message naming the bad
 * value. Without a knowledge base this is plain reasoning distillation (RD); with one, KARD.
 *
 * <pre>{@code
 * KardModel model = Kard.student("scratch:t5-tiny").withKnowledgeBase(kb).passages(1)
 *         .distillFrom(questions, rationales);
 * }</pre>
 */
public final class Distillation {
    private static final Logger LOG = LoggerFactory.getLogger(Distillation.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Validation accuracy is measured on at most this many questions per epoch (generation is slow). */
    static final int MAX_VALIDATION_QUESTIONS = 200;
    /** The library version recorded in {@code kard.json}; {@code Kard.VERSION} (a test keeps the two equal). */
    static final String KARD_VERSION = "0.1.0-SNAPSHOT";

    private final StudentReference student;
    private KnowledgeBase knowledgeBase;
    private Reranker reranker;
    private int passages = 1;
    private int candidates = KardSettings.DEFAULT_CANDIDATES;
    private Integer epochs;
    private Double learningRate;
    private Integer batchSize;
    private Double renameProbability;
    /** Null: the student's config decides. */
    private Double dropout;
    private double weightDecay = 0.0;
    private Device device = Device.cpu();
    private long seed = 42;
    private PromptFormat prompt = PromptFormat.defaults();
    private List<Question> validationQuestions = List.of();
    private List<Rationale> validationRationales = List.of();
    private Path checkpointDir;
    private boolean resume;
    private ProgressListener listener;
    private final ObjectNode provenance = JSON.createObjectNode();

    Distillation(StudentReference student) {
        this.student = Objects.requireNonNull(student, "student");
    }

    /**
     * A recipe for the student {@code reference}; {@code Kard.student(reference)} is the usual way to get one.
     *
     * @param reference a local HF-format model folder, a hub id (from the local HF cache, downloaded when online), or
     *                  a from-scratch preset such as {@code scratch:t5-tiny}
     * @return a new recipe with every setting at its default
     * @throws ai.kard.api.InvalidSettingException when {@code reference} is none of these forms
     */
    public static Distillation of(String reference) {
        return new Distillation(StudentReference.resolve(reference));
    }

    /**
     * Enables KARD: passages retrieved from {@code kb} (with the rationale in training, the question at test).
     *
     * @param kb the knowledge base; the recipe does not close it
     * @return this recipe
     */
    public Distillation withKnowledgeBase(KnowledgeBase kb) {
        this.knowledgeBase = Objects.requireNonNull(kb, "knowledge base");
        return this;
    }

    /**
     * Reranks the BM25 candidates of the question at inference.
     *
     * @param r a trained reranker (see {@code Kard.reranker})
     * @return this recipe
     */
    public Distillation withReranker(Reranker r) {
        this.reranker = Objects.requireNonNull(r, "reranker");
        return this;
    }

    /**
     * Passages per prompt (k, default 1).
     *
     * @param k passages per prompt; at least 1 with a knowledge base
     * @return this recipe
     * @throws ai.kard.api.InvalidSettingException when negative
     */
    public Distillation passages(int k) {
        if (k < 0) {
            throw new InvalidSettingException("passages must be >= 0 (0: plain RD), got " + k);
        }
        this.passages = k;
        return this;
    }

    /**
     * BM25 candidates handed to the reranker at inference (default 100).
     *
     * @param n BM25 candidates per question, at least 1
     * @return this recipe
     * @throws ai.kard.api.InvalidSettingException when below 1
     */
    public Distillation candidates(int n) {
        if (n < 1) {
            throw new InvalidSettingException("candidates must be >= 1, got " + n);
        }
        this.candidates = n;
        return this;
    }

    /**
     * Passes over the training examples (default: the student's, 3 for pretrained folders); at least 1.
     *
     * @param n epochs, at least 1
     * @return this recipe
     * @throws ai.kard.api.InvalidSettingException when below 1
     */
    public Distillation epochs(int n) {
        if (n < 1) {
            throw new InvalidSettingException("epochs must be positive, got " + n);
        }
        this.epochs = n;
        return this;
    }

    /**
     * Peak AdamW learning rate (default: the student's); positive and finite.
     *
     * @param lr the learning rate
     * @return this recipe
     * @throws ai.kard.api.InvalidSettingException when not positive and finite
     */
    public Distillation learningRate(double lr) {
        if (!(lr > 0) || !Double.isFinite(lr)) {
            throw new InvalidSettingException("learning rate must be positive and finite, got " + lr);
        }
        this.learningRate = lr;
        return this;
    }

    /**
     * Examples per optimizer step (default: the student's); at least 1.
     *
     * @param b examples per step, at least 1
     * @return this recipe
     * @throws ai.kard.api.InvalidSettingException when below 1
     */
    public Distillation batchSize(int b) {
        if (b < 1) {
            throw new InvalidSettingException("batch size must be positive, got " + b);
        }
        this.batchSize = b;
        return this;
    }

    /**
     * AdamW weight decay (default 0); zero or positive.
     *
     * @param wd the decoupled weight decay
     * @return this recipe
     * @throws ai.kard.api.InvalidSettingException when negative or not finite
     */
    public Distillation weightDecay(double wd) {
        if (!(wd >= 0) || !Double.isFinite(wd)) {
            throw new InvalidSettingException("weight decay must be >= 0 and finite, got " + wd);
        }
        this.weightDecay = wd;
        return this;
    }

    /**
     * Probability of renaming an example's rare names per epoch (0 disables; presets default to 0.7).
     *
     * @param p probability in [0, 1]
     * @return this recipe
     * @throws ai.kard.api.InvalidSettingException outside [0, 1]
     */
    public Distillation renameProbability(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new InvalidSettingException("rename probability must be in [0, 1], got " + p);
        }
        this.renameProbability = p;
        return this;
    }

    /**
     * Trains with dropout probability {@code p} at every place the student's architecture applies dropout,
     * instead of its config's values (0 trains without dropout). Default: the config's (0 in the scratch presets,
     * where renaming augmentation is the regulariser; {@code dropout_rate} 0.1 in a Flan-T5 folder). The saved config keeps its own values; {@code kard.json} records the override.
     *
     * @param p dropout probability in [0, 1)
     * @return this recipe
     * @throws ai.kard.api.InvalidSettingException outside [0, 1)
     */
    public Distillation dropout(double p) {
        this.dropout = Dropout.check(p, "dropout");
        return this;
    }

    /**
     * Where the student trains and answers: {@code Device.cpu()} (default) or one explicit GPU.
     *
     * @param d the device; checked for availability when {@link #distillFrom} starts
     * @return this recipe
     */
    public Distillation device(Device d) {
        this.device = Objects.requireNonNull(d, "device");
        return this;
    }

    /**
     * Seed of weights, data order, dropout and augmentation (default 42): the same seed, the same model.
     *
     * @param s the seed
     * @return this recipe
     */
    public Distillation seed(long s) {
        this.seed = s;
        return this;
    }

    /**
     * How questions, options, passages and rationales become the student's input and target.
     *
     * @param p the prompt format (default {@link PromptFormat#defaults()})
     * @return this recipe
     */
    public Distillation prompt(PromptFormat p) {
        this.prompt = Objects.requireNonNull(p, "prompt");
        return this;
    }

    /**
     * Held-out questions (accuracy each epoch) and their rationales (validation loss; may be empty).
     *
     * @param questions  held-out questions
     * @param rationales their rationales; may be empty (then no validation loss)
     * @return this recipe
     */
    public Distillation validation(List<Question> questions, List<Rationale> rationales) {
        this.validationQuestions = List.copyOf(questions);
        this.validationRationales = List.copyOf(rationales);
        return this;
    }

    /**
     * Where checkpoints, metrics.jsonl and loss.png go; with {@code resume} a run continues from the newest.
     *
     * @param dir             the checkpoint folder
     * @param resumeIfPresent true: continue from the newest checkpoint in {@code dir} when there is one
     * @return this recipe
     */
    public Distillation checkpoints(Path dir, boolean resumeIfPresent) {
        this.checkpointDir = Objects.requireNonNull(dir, "checkpoint dir");
        this.resume = resumeIfPresent;
        return this;
    }

    /**
     * Receives step and epoch metrics as training runs (for progress lines); null for none.
     *
     * @param l the listener, or null
     * @return this recipe
     */
    public Distillation listener(ProgressListener l) {
        this.listener = l;
        return this;
    }

    /**
     * Adds a field to the provenance recorded in {@code kard.json} (for example the data files).
     *
     * @param key   the field name
     * @param value a string, number, boolean or null, or a {@code Map}, {@code List}, array or record of those
     * @return this recipe
     */
    public Distillation provenance(String key, Object value) {
        provenance.set(key, JSON.valueToTree(value));
        return this;
    }

    /**
     * Trains a student on {@code rationales} of {@code questions} and returns it ready to answer.
     *
     * @param questions  the training questions
     * @param rationales the teacher's rationales; several per question allowed
     * @return the trained student, ready to answer; close it
     * @throws IOException a bad-input {@link ai.kard.api.InvalidInputException} (student folder, data) or a read
     *         error
     * @throws ai.kard.api.InvalidSettingException for settings that conflict (passages without a knowledge base,
     *         an unavailable device)
     */
    public KardModel distillFrom(List<Question> questions, List<Rationale> rationales) throws IOException {
        TrainingDefaults defaults = student.defaults();
        TrainingDefaults chosen = new TrainingDefaults(
                epochs == null ? defaults.epochs() : epochs,
                learningRate == null ? defaults.learningRate() : learningRate,
                batchSize == null ? defaults.batchSize() : batchSize,
                defaults.warmupFraction(),
                renameProbability == null ? defaults.renameProbability() : renameProbability);
        // Every setting is checked before retrieval and loading (the setters check ranges; here what depends on
        // several settings, the device and the student folder).
        if (knowledgeBase != null && passages < 1) {
            throw new InvalidSettingException("passages must be >= 1 with a knowledge base, got " + passages);
        }
        ModelOptions.requireAvailable(device);
        student.check();
        int k = knowledgeBase == null ? 0 : passages;
        long started = System.nanoTime();
        DistillationSet train = DistillationSet.build(questions, rationales, knowledgeBase, passages);
        DistillationSet validation = validationRationales.isEmpty() ? null
                : DistillationSet.build(validationQuestions, validationRationales, knowledgeBase, passages);
        TrainerConfig.Builder config = TrainerConfig.builder().epochs(chosen.epochs())
                .learningRate(chosen.learningRate()).weightDecay(weightDecay).maxGradNorm(1.0).seed(seed)
                .device(device).dtype(DataType.FLOAT32).checkpointDir(checkpointDir).logEverySteps(20);
        if (chosen.warmupFraction() > 0) {
            config.linearWarmupFraction(chosen.warmupFraction());
        }
        TrainerConfig trainerConfig = config.build();
        LOG.info("distilling {} ({} mode, k={}) on {} examples: {}, dropout {}", student.text(),
                k > 0 ? "KARD" : "RD", k, train.examples().size(), chosen,
                dropout == null ? "as the student's config" : dropout + " everywhere");

        TextTokenizer tokenizer = student.loadTokenizer();
        LanguageModel model = null;
        try {
            model = student.loadModel(seed, new ModelOptions(device, DataType.FLOAT32));
            ExampleAugmenter augmenter = chosen.renameProbability() > 0
                    ? ExampleAugmenter.renaming(RareWordRenamer.builder().probability(chosen.renameProbability()).build())
                    : ExampleAugmenter.NONE;
            DistillationTask task = new DistillationTask(model, tokenizer, prompt, train.examples(), augmenter, seed,
                    dropout == null ? Dropout.AS_CONFIGURED : Dropout.everywhere(dropout));
            // Validation batches index the validation examples, so they get their own task.
            DistillationTask validationTask = validation == null ? null
                    : new DistillationTask(model, tokenizer, prompt, validation.examples(), null, seed);
            List<DistillationTask.Batch> validationBatches = validationTask == null ? List.of()
                    : validationTask.validationBatches(chosen.batchSize());
            KardSettings settings = new KardSettings(prompt, k, Math.max(candidates, Math.max(1, k)),
                    Math.min(512, task.maxTargetTokens() + 16));
            KardModel kard = new KardModel(model, tokenizer, settings, knowledgeBase, reranker, null);
            List<Question> accuracyQuestions = validationQuestions.subList(0,
                    Math.min(MAX_VALIDATION_QUESTIONS, validationQuestions.size()));
            Trainer.Builder<DistillationTask.Batch> trainer = Trainer.<DistillationTask.Batch>builder(trainerConfig);
            if (!accuracyQuestions.isEmpty()) {
                trainer.accuracy((manager, batches) -> accuracy(kard, accuracyQuestions));
            }
            if (listener != null) {
                trainer.listener(listener);
            }
            TrainingTaskView view = new TrainingTaskView(task, validationTask);
            BatchSource<DistillationTask.Batch> source = task.trainingSource(chosen.batchSize());
            java.util.Optional<Path> from = resume && checkpointDir != null ? Trainer.latestCheckpoint(checkpointDir)
                    : java.util.Optional.empty();
            TrainingResult result = from.isPresent()
                    ? trainer.build().resume(view, source, validationBatches, from.get())
                    : trainer.build().fit(view, source, validationBatches);
            double seconds = (System.nanoTime() - started) / 1e9;
            ObjectNode record = provenance(chosen, train, result, task, k, seconds);
            return new KardModel(model, tokenizer, settings, knowledgeBase, reranker, record);
        } catch (IOException | RuntimeException | Error e) {
            if (model != null) {
                model.close();
            }
            tokenizer.close();
            throw e;
        }
    }

    private static double accuracy(KardModel model, List<Question> questions) {
        try {
            List<Prediction> predictions = model.answerAll(questions, 1);
            long correct = 0;
            for (int i = 0; i < questions.size(); i++) {
                correct += predictions.get(i).isCorrect(questions.get(i)) ? 1 : 0;
            }
            return correct / (double) questions.size();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private ObjectNode provenance(TrainingDefaults chosen, DistillationSet train, TrainingResult result,
                                  DistillationTask task, int k, double seconds) {
        ObjectNode root = provenance.deepCopy();
        root.put("student", student.text());
        root.put("mode", k > 0 ? "kard" : "rd");
        ObjectNode hyper = root.putObject("hyperparameters");
        hyper.put("epochs", chosen.epochs());
        hyper.put("learning_rate", chosen.learningRate());
        hyper.put("batch_size", chosen.batchSize());
        hyper.put("warmup_fraction", chosen.warmupFraction());
        hyper.put("rename_probability", chosen.renameProbability());
        hyper.put("weight_decay", weightDecay);
        if (dropout != null) {
            hyper.put("dropout", dropout);
        }
        hyper.put("passages", k);
        hyper.put("seed", seed);
        hyper.put("device", device.toString());
        ObjectNode data = root.putObject("data");
        data.put("examples", train.examples().size());
        data.put("rationales_kept", train.report().kept());
        data.put("rationales_dropped", train.report().dropped());
        data.set("filter", JSON.valueToTree(train.report().byReason()));
        data.put("unmatched_rationales", train.unmatchedRationales());
        ObjectNode metrics = root.putObject("metrics");
        long tokens = task.tokensPerEpoch() * chosen.epochs();
        metrics.put("train_tokens", tokens);
        metrics.put("train_seconds", result.elapsedSeconds());
        metrics.put("train_tokens_per_second", tokens / Math.max(1e-9, result.elapsedSeconds()));
        metrics.put("wall_seconds", seconds);
        ArrayNode epochsNode = metrics.putArray("epochs");
        for (EpochMetrics e : result.epochs()) {
            ObjectNode epoch = JSON.valueToTree(e);
            // Unmeasured figures (no validation set) are left out rather than stored as "NaN".
            epoch.properties().removeIf(field -> field.getValue().isNumber()
                    && !Double.isFinite(field.getValue().asDouble()));
            epochsNode.add(epoch);
        }
        ObjectNode versions = root.putObject("versions");
        versions.put("kard", KARD_VERSION);
        versions.put("djl", ai.djl.engine.Engine.getDjlVersion());
        versions.put("java", System.getProperty("java.version"));
        return root;
    }

    /** The training task with validation loss computed on the validation examples. */
    private record TrainingTaskView(DistillationTask train, DistillationTask validation)
            implements ai.kard.core.internal.train.TrainingTask<DistillationTask.Batch> {
        @Override
        public ai.djl.nn.Block block() {
            return train.block();
        }

        @Override
        public ai.djl.ndarray.NDArray loss(ai.djl.ndarray.NDManager manager, DistillationTask.Batch batch) {
            return train.loss(manager, batch);
        }

        @Override
        public ai.djl.ndarray.NDArray validationLoss(ai.djl.ndarray.NDManager manager, DistillationTask.Batch batch) {
            return validation.validationLoss(manager, batch);
        }
    }
}
