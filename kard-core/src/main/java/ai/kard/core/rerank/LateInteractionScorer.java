package ai.kard.core.rerank;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.kard.api.InvalidSettingException;
import ai.kard.core.internal.checkpoint.AtomicFiles;
import ai.kard.core.checkpoint.CheckpointException;
import ai.kard.core.internal.checkpoint.SafetensorsStore;
import ai.kard.core.internal.checkpoint.SafetensorsWriter;
import ai.kard.core.hub.ModelReference;
import ai.kard.core.internal.model.Dropout;
import ai.kard.core.model.ModelOptions;
import ai.kard.core.internal.checkpoint.HfConfig;
import ai.kard.core.internal.model.bert.BertConfig;
import ai.kard.core.internal.model.bert.BertEncoder;
import ai.kard.core.internal.model.common.EngineArrays;
import ai.kard.core.internal.model.common.Pooling;
import ai.kard.core.internal.model.bert.BertPresets;
import ai.kard.core.internal.model.bert.BertTokenizers;
import ai.kard.core.internal.tokenizer.TextTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * ColBERT-style late interaction: one BERT encoder shared by questions and passages, a linear projection of every
 * token state (no bias), and score(q, d) = sum over the question's tokens of the max over the passage's tokens of
 * the dot product, padding masked on both sides (optionally on L2-normalised vectors, as ColBERT does).
 *
 * <p>In {@link ScoringMode#BI_ENCODER} mode each side is one vector instead, the masked mean of its projected token
 * vectors, L2-normalised: {@link #vectors} returns it as a sequence of length 1, so the same MaxSim (one token
 * against one token) is the cosine of the two, and caching, precomputing and training work unchanged.
 *
 * <p>{@link #scores} keeps the autograd graph, so a trainer can call it inside a gradient collector; every
 * trainable weight (encoder and projection) is a parameter of {@link #block()}. Inference is thread-safe.
 *
 * <p>A scorer trained with a frozen passage side encodes passages with a second, never-trained scorer
 * ({@link #attachPassageScorer}); it is saved in the {@value #PASSAGE_SCORER_FOLDER} subfolder and loaded back
 * from it.
 */
public final class LateInteractionScorer implements AutoCloseable {
    /** The projection's tensor name in {@code projection.safetensors} (as in ColBERT's {@code colbert_linear}). */
    public static final String PROJECTION_TENSOR = "linear.weight";
    /** The projection's file in a reranker folder. */
    public static final String PROJECTION_FILE = "projection.safetensors";
    /** The settings file that marks a reranker folder. */
    public static final String SETTINGS_FILE = "reranker.json";
    /** Where a separate passage-side scorer is saved, inside the reranker folder. */
    public static final String PASSAGE_SCORER_FOLDER = "passage-scorer";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final BertEncoder encoder;
    private final TextTokenizer tokenizer;
    private final ScorerSettings settings;
    private final ScorerBlock block;
    private final int cls;
    private final int sep;
    private volatile LateInteractionScorer passageScorer;
    private volatile InferenceEncoder inferenceEncoder;

    /**
     * Takes ownership of {@code encoder}, {@code tokenizer} and {@code projection} ({@code [dim, hidden]}).
     *
     * @param encoder the BERT-family encoder
     * @param tokenizer its tokenizer, or null for a scorer on token ids only
     * @param projection the projection {@code [dim, hidden]}
     * @param settings the scorer settings
     */
    public LateInteractionScorer(BertEncoder encoder, TextTokenizer tokenizer, NDArray projection,
            ScorerSettings settings) {
        long[] shape = projection.getShape().getShape();
        if (shape.length != 2 || shape[0] != settings.dim() || shape[1] != encoder.config().hiddenSize()) {
            throw new InvalidSettingException("projection shape " + projection.getShape() + " does not match dim "
                    + settings.dim() + " x hidden " + encoder.config().hiddenSize());
        }
        int maxLength = Math.max(settings.queryMaxLength(), settings.passageMaxLength());
        if (maxLength > encoder.config().maxPositionEmbeddings()) {
            throw new InvalidSettingException("max length " + maxLength + " exceeds the encoder's "
                    + encoder.config().maxPositionEmbeddings() + " positions");
        }
        this.encoder = encoder;
        this.tokenizer = tokenizer;
        this.settings = settings;
        projection.attach(encoder.manager());
        this.block = new ScorerBlock(this, encoder.block(), projection);
        int[] specials = tokenizer == null ? new int[0] : tokenizer.encodeWithSpecialTokens("");
        // BERT's post-processor gives [CLS] [SEP] for the empty text; fall back to the vocabulary.
        this.cls = specials.length == 2 ? specials[0] : tokenizer == null ? -1 : tokenizer.tokenId("[CLS]").orElse(-1);
        this.sep = specials.length == 2 ? specials[1] : tokenizer == null ? -1 : tokenizer.tokenId("[SEP]").orElse(-1);
    }

    /**
     * A new scorer on an encoder reference: {@code scratch:<preset>} (random encoder, bundled WordPiece tokenizer,
     * seeded random projection), or a local HF folder or hub id (pretrained: a
     * {@linkplain #similarityPreservingProjection(int, int, long) similarity-preserving projection}, seeded: at
     * {@code settings.dim()} equal to the hidden size it is orthogonal, so the scorer starts exactly where the
     * encoder's zero-shot scores are, in both scoring modes).
     *
     * @param encoderReference a {@code scratch:} preset, a local HF folder or a hub id
     * @param settings the scorer settings
     * @param seed the random seed
     * @param options where the model runs (device, data type)
     * @param references how hub ids and folders are resolved
     * @return the scorer; the caller closes it
     * @throws IOException when the model files cannot be read or written (an {@link ai.kard.api.InvalidInputException}
     *     for a bad folder)
     */
    public static LateInteractionScorer create(String encoderReference, ScorerSettings settings, long seed,
            ModelOptions options, ModelReference references) throws IOException {
        if (BertPresets.isPreset(encoderReference)) {
            return create(BertEncoder.create(BertPresets.require(encoderReference), seed, options),
                    TextTokenizer.bundledWordPiece(),
                    settings.withTokenizerSource("bundled:" + TextTokenizer.BUNDLED_WORDPIECE), seed);
        }
        Pretrained pretrained = Pretrained.load(references.resolve(encoderReference), options);
        // A pretrained encoder's token similarities already rank passages: keep them at step 0.
        return new LateInteractionScorer(pretrained.encoder(), pretrained.tokenizer(),
                similarityPreservingProjection(pretrained.encoder(), settings.dim(), seed),
                settings.withTokenizerSource(encoderReference));
    }

    /**
     * A pretrained encoder used as it is, no training: {@link ScorerSettings#zeroShot} settings and the identity
     * projection. Late interaction then matches the encoder's own (normalised) token states, and the bi-encoder
     * mode is exactly the sentence-transformers embedding (masked mean, L2 norm) of models such as MiniLM.
     *
     * @param encoderReference a {@code scratch:} preset, a local HF folder or a hub id
     * @param mode the scoring mode (null: late interaction)
     * @param options where the model runs (device, data type)
     * @param references how hub ids and folders are resolved
     * @return the scorer; the caller closes it
     * @throws IOException when the model files cannot be read or written (an {@link ai.kard.api.InvalidInputException}
     *     for a bad folder)
     */
    public static LateInteractionScorer zeroShot(String encoderReference, ScoringMode mode, ModelOptions options,
            ModelReference references) throws IOException {
        if (BertPresets.isPreset(encoderReference)) {
            throw new InvalidSettingException("encoder " + encoderReference + " has random weights: a zero-shot"
                    + " scorer needs a pretrained encoder folder or hub id");
        }
        Path folder = references.resolve(encoderReference);
        BertConfig config = BertConfig.from(HfConfig.read(folder));
        Pretrained pretrained = Pretrained.load(folder, options);
        return new LateInteractionScorer(pretrained.encoder(), pretrained.tokenizer(),
                identityProjection(pretrained.encoder()), ScorerSettings.zeroShot(config.hiddenSize(),
                config.maxPositionEmbeddings(), mode).withTokenizerSource(encoderReference));
    }

    /** A pretrained encoder folder's encoder and tokenizer (the encoder closed again if the tokenizer fails). */
    private record Pretrained(BertEncoder encoder, TextTokenizer tokenizer) {
        static Pretrained load(Path folder, ModelOptions options) throws IOException {
            BertEncoder encoder = BertEncoder.load(folder, options);
            try {
                return new Pretrained(encoder, BertTokenizers.load(folder));
            } catch (IOException | RuntimeException e) {
                encoder.close();
                throw e;
            }
        }
    }

    /**
     * A trained reranker folder (one with {@code reranker.json}; {@code mode} must be null or its own), or else a
     * pretrained encoder zero-shot in {@code mode} (null: late interaction).
     *
     * @param reference a model folder or a hub id
     * @param mode the scoring mode (null: the folder's own, or late interaction)
     * @param options where the model runs (device, data type)
     * @param references how hub ids and folders are resolved
     * @return the scorer; the caller closes it
     * @throws IOException when the model files cannot be read or written (an {@link ai.kard.api.InvalidInputException}
     *     for a bad folder)
     */
    public static LateInteractionScorer open(String reference, ScoringMode mode, ModelOptions options,
            ModelReference references) throws IOException {
        Path asFolder = Path.of(reference);
        if (Files.isRegularFile(asFolder.resolve(SETTINGS_FILE))) {
            LateInteractionScorer scorer = load(asFolder, options);
            if (mode != null && mode != scorer.settings().mode()) {
                ScoringMode own = scorer.settings().mode();
                scorer.close();
                throw new InvalidSettingException(asFolder + " is a " + own.shortName() + " reranker ("
                        + SETTINGS_FILE + "), not " + mode.shortName());
            }
            return scorer;
        }
        return zeroShot(reference, mode != null ? mode : ScoringMode.LATE_INTERACTION, options, references);
    }

    private static NDArray identityProjection(BertEncoder encoder) {
        NDArray identity = encoder.manager().eye(encoder.config().hiddenSize());
        NDArray typed = identity.toType(encoder.options().dataType(), true);
        identity.close();
        return typed;
    }

    /**
     * A scorer on {@code encoder} (owned from now on) with a seeded random projection.
     *
     * @param encoder the BERT-family encoder
     * @param tokenizer its tokenizer, or null for a scorer on token ids only
     * @param settings the scorer settings
     * @param seed the random seed
     * @return the scorer; the caller closes it
     */
    public static LateInteractionScorer create(BertEncoder encoder, TextTokenizer tokenizer, ScorerSettings settings,
            long seed) {
        return new LateInteractionScorer(encoder, tokenizer, randomProjection(encoder, settings.dim(), seed), settings);
    }

    /**
     * A projection {@code [dim, hidden]} with orthonormal rows (seeded Gram-Schmidt of Gaussian rows) scaled by
     * {@code sqrt(hidden / dim)}: dot products of projected vectors equal the encoder's exactly when
     * {@code dim == hidden} and in expectation when smaller, so a pretrained encoder's zero-shot ranking is where
     * training starts (a small random projection scrambles it: its rows are neither unit nor orthogonal).
     *
     * @throws IllegalArgumentException when {@code dim > hidden} (no {@code dim} orthonormal rows exist)
     * @param dim the projection width
     * @param hidden the encoder's hidden size
     * @param seed the random seed
     * @return the projection, row-major {@code [dim, hidden]}
     */
    public static float[] similarityPreservingProjection(int dim, int hidden, long seed) {
        if (dim > hidden) {
            throw new InvalidSettingException("a similarity-preserving projection needs dim <= hidden, got dim "
                    + dim + " > hidden " + hidden);
        }
        double[][] rows = new double[dim][hidden];
        SplittableRandom random = new SplittableRandom(seed ^ 0x0A7A0A7AL);
        double scale = Math.sqrt(hidden / (double) dim);
        float[] values = new float[dim * hidden];
        for (int r = 0; r < dim; r++) {
            double[] row = rows[r];
            do {
                for (int c = 0; c < hidden; c++) {
                    row[c] = random.nextGaussian();
                }
                for (int k = 0; k < r; k++) { // twice: classical Gram-Schmidt loses orthogonality once
                    subtractProjection(row, rows[k]);
                    subtractProjection(row, rows[k]);
                }
            } while (norm(row) < 1e-6);
            double n = norm(row);
            for (int c = 0; c < hidden; c++) {
                row[c] /= n;
                values[r * hidden + c] = (float) (row[c] * scale);
            }
        }
        return values;
    }

    private static void subtractProjection(double[] row, double[] unit) {
        double dot = 0;
        for (int c = 0; c < row.length; c++) {
            dot += row[c] * unit[c];
        }
        for (int c = 0; c < row.length; c++) {
            row[c] -= dot * unit[c];
        }
    }

    private static double norm(double[] row) {
        double sum = 0;
        for (double v : row) {
            sum += v * v;
        }
        return Math.sqrt(sum);
    }

    private static NDArray similarityPreservingProjection(BertEncoder encoder, int dim, long seed) {
        int hidden = encoder.config().hiddenSize();
        NDArray array = encoder.manager().create(similarityPreservingProjection(dim, hidden, seed),
                new Shape(dim, hidden));
        return array.toType(encoder.options().dataType(), false);
    }

    private static NDArray randomProjection(BertEncoder encoder, int dim, long seed) {
        int hidden = encoder.config().hiddenSize();
        float[] values = new float[dim * hidden];
        SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        double std = encoder.config().initializerRange();
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * std);
        }
        NDArray array = encoder.manager().create(values, new Shape(dim, hidden));
        return array.toType(encoder.options().dataType(), false);
    }

    /**
     * Loads a folder written by {@link #save}.
     *
     * @param folder a folder written by {@link #save}
     * @param options where the model runs (device, data type)
     * @return the scorer; the caller closes it
     * @throws IOException when the model files cannot be read or written (an {@link ai.kard.api.InvalidInputException}
     *     for a bad folder)
     */
    public static LateInteractionScorer load(Path folder, ModelOptions options) throws IOException {
        Path settingsFile = folder.resolve(SETTINGS_FILE);
        if (!Files.isRegularFile(settingsFile)) {
            throw new CheckpointException(settingsFile, "missing: not a Kard reranker folder");
        }
        ScorerSettings settings;
        try {
            settings = JSON.readValue(settingsFile.toFile(), ScorerSettings.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new CheckpointException(settingsFile, "invalid reranker settings: " + e.getMessage(), e);
        }
        BertEncoder encoder = BertEncoder.load(folder, options);
        try {
            TextTokenizer tokenizer = BertTokenizers.load(folder);
            NDArray projection = loadProjection(folder.resolve(PROJECTION_FILE), encoder, settings.dim());
            LateInteractionScorer scorer = new LateInteractionScorer(encoder, tokenizer, projection, settings);
            Path passageFolder = folder.resolve(PASSAGE_SCORER_FOLDER);
            if (Files.isRegularFile(passageFolder.resolve(SETTINGS_FILE))) {
                try {
                    scorer.attachPassageScorer(load(passageFolder, options));
                } catch (IOException | RuntimeException e) {
                    scorer.close();
                    throw e;
                }
            }
            return scorer;
        } catch (IOException | RuntimeException e) {
            encoder.close();
            throw e;
        }
    }

    /**
     * Reads {@code linear.weight [dim, hidden]} from a projection file into the encoder's manager.
     *
     * @param file the projection file
     * @param encoder the BERT-family encoder
     * @param dim the projection width
     * @return the projection {@code [dim, hidden]}
     * @throws IOException when the model files cannot be read or written (an {@link ai.kard.api.InvalidInputException}
     *     for a bad folder)
     */
    public static NDArray loadProjection(Path file, BertEncoder encoder, int dim) throws IOException {
        SafetensorsStore store = SafetensorsStore.open(file);
        if (!store.contains(PROJECTION_TENSOR)) {
            throw new CheckpointException(file, "no tensor " + PROJECTION_TENSOR + " (found " + store.names() + ")");
        }
        long[] shape = store.info(PROJECTION_TENSOR).shape();
        if (shape.length != 2 || shape[0] != dim || shape[1] != encoder.config().hiddenSize()) {
            throw new CheckpointException(file, PROJECTION_TENSOR + " has shape " + Arrays.toString(shape)
                    + ", expected [" + dim + ", " + encoder.config().hiddenSize() + "]");
        }
        return store.load(PROJECTION_TENSOR, encoder.manager(), encoder.options().dataType());
    }

    /**
     * Writes the encoder in HF layout ({@code config.json}, {@code model.safetensors}, {@code tokenizer.json}),
     * {@code projection.safetensors} and {@code reranker.json} into {@code folder}.
     *
     * @param folder the folder to write (created when absent)
     * @throws IOException when the model files cannot be read or written (an {@link ai.kard.api.InvalidInputException}
     *     for a bad folder)
     */
    public void save(Path folder) throws IOException {
        Files.createDirectories(folder);
        encoder.save(folder);
        if (tokenizer != null) {
            tokenizer.save(folder);
        }
        try (NDManager scope = encoder.manager().newSubManager()) {
            NDArray weight = projection();
            if (weight.getDataType() != DataType.FLOAT32) {
                weight = weight.toType(DataType.FLOAT32, true);
                weight.attach(scope);
            }
            SafetensorsWriter.write(folder.resolve(PROJECTION_FILE), Map.of(PROJECTION_TENSOR, weight));
        }
        AtomicFiles.write(folder.resolve(SETTINGS_FILE), JSON.writeValueAsBytes(settings));
        if (passageScorer != null) {
            passageScorer.save(folder.resolve(PASSAGE_SCORER_FOLDER));
        }
    }

    /**
     * From now on passages are encoded by {@code passages} (owned from now on: closed with this scorer), a frozen
     * copy of the initial weights when training kept the passage side fixed; questions still use this scorer.
     *
     * @throws IllegalArgumentException when its vectors could not meet this scorer's (width, normalisation)
     * @param passages the passage-side scorer
     */
    public void attachPassageScorer(LateInteractionScorer passages) {
        if (passages.settings.dim() != settings.dim() || passages.settings.normalize() != settings.normalize()) {
            throw new InvalidSettingException("passage scorer " + passages.settings + " does not match " + settings
                    + " (dim and normalize must agree)");
        }
        if (passageScorer != null) {
            throw new IllegalStateException("this scorer already has a passage scorer");
        }
        passageScorer = passages;
    }

    /**
     * From now on this scorer's encoder runs on {@code runtime} for inference (no autograd, no dropout); owned from
     * now on: closed with this scorer or when replaced. The runtime holds the weights as they are at this call, so
     * install it on a trained scorer, not on one that is still training. Null returns inference to the encoder.
     *
     * @param runtime the runtime, or null
     */
    public void runInferenceOn(InferenceEncoder runtime) {
        InferenceEncoder previous;
        synchronized (this) {
            previous = inferenceEncoder;
            inferenceEncoder = runtime;
        }
        if (previous != null && previous != runtime) {
            previous.close();
        }
    }

    /**
     * The runtime installed by {@link #runInferenceOn}, if any.
     *
     * @return the runtime, or null when inference runs on the encoder
     */
    public InferenceEncoder inferenceEncoder() {
        return inferenceEncoder;
    }

    /**
     * The scorer that encodes passages: the attached passage scorer, or this one.
     *
     * @return the passage-side scorer
     */
    public LateInteractionScorer passageSide() {
        LateInteractionScorer p = passageScorer;
        return p != null ? p : this;
    }

    /**
     * {@link #vectors} of passages: by the {@linkplain #passageSide() passage side}.
     *
     * @param manager the manager that receives the result
     * @param sequences token ids, each with [CLS] and [SEP]
     * @return the vectors and the mask
     */
    public NDList passageVectors(NDManager manager, List<int[]> sequences) {
        LateInteractionScorer p = passageScorer;
        return p != null ? p.vectors(manager, sequences) : vectors(manager, sequences);
    }

    /**
     * {@code [CLS] question [SEP]}, truncated to the query length.
     *
     * @param text the text to tokenize
     * @return the token ids
     */
    public int[] queryTokens(String text) {
        return wrap(text, settings.queryMaxLength());
    }

    /**
     * {@code [CLS] passage [SEP]}, truncated to the passage length.
     *
     * @param text the text to tokenize
     * @return the token ids
     */
    public int[] passageTokens(String text) {
        return wrap(text, settings.passageMaxLength());
    }

    private int[] wrap(String text, int maxLength) {
        if (tokenizer == null || cls < 0 || sep < 0) {
            throw new IllegalStateException("this scorer has no tokenizer with [CLS]/[SEP]; pass token ids");
        }
        int[] pieces = tokenizer.encode(text);
        int n = Math.min(pieces.length, maxLength - 2);
        int[] ids = new int[n + 2];
        ids[0] = cls;
        System.arraycopy(pieces, 0, ids, 1, n);
        ids[n + 1] = sep;
        return ids;
    }

    /**
     * The vectors of right-padded {@code sequences} and their mask (int64), in {@code manager}: late interaction,
     * projected token vectors {@code [N, L, dim]} (L2-normalised when the settings say so) and the mask
     * {@code [N, L]}; bi-encoder, the normalised mean vector as {@code [N, 1, dim]} and a mask of ones {@code [N, 1]}.
     *
     * @param manager the manager that receives the result
     * @param sequences token ids, each with [CLS] and [SEP]
     * @return the vectors and the mask
     */
    public NDList vectors(NDManager manager, List<int[]> sequences) {
        return vectors(manager, sequences, Dropout.OFF);
    }

    /** As {@link #vectors(NDManager, List)} with the encoder's {@code dropout} (the training path). */
    NDList vectors(NDManager manager, List<int[]> sequences, Dropout dropout) {
        InferenceEncoder runtime = inferenceEncoder;
        NDList encoded = runtime != null && !dropout.training() && !JniUtils.isGradMode()
                ? runtime.forward(manager, sequences) : encoder.forward(manager, sequences, dropout);
        return vectors(encoded.get(0), encoded.get(1), projection());
    }

    /** {@link #vectors(NDManager, List)} from token states {@code [N, L, hidden]}; {@code states} is closed. */
    private NDList vectors(NDArray states, NDArray mask, NDArray weight) {
        NDManager owner = states.getManager();
        try (NDManager scope = owner.newSubManager()) {
            states.attach(scope);
            scope.tempAttachAll(mask);
            NDArray projected = Linear.linear(states, weight).singletonOrThrow();
            if (settings.mode() == ScoringMode.BI_ENCODER) {
                long count = states.getShape().get(0);
                NDArray pooled = normalize(Pooling.maskedMean(projected, mask)).expandDims(1);
                NDArray ones = EngineArrays.of(scope, onesOf(count), new Shape(count, 1));
                pooled.attach(owner);
                ones.attach(owner);
                return new NDList(pooled, ones);
            }
            NDArray vectors = settings.normalize() ? normalize(projected) : projected;
            vectors.attach(owner);
            return new NDList(vectors, mask);
        }
    }

    private static long[] onesOf(long count) {
        long[] ones = new long[Math.toIntExact(count)];
        Arrays.fill(ones, 1L);
        return ones;
    }

    /** L2 normalisation over the last axis with a finite gradient at zero (see {@link Pooling#l2Normalize}). */
    static NDArray normalize(NDArray x) {
        return Pooling.l2Normalize(x);
    }

    /**
     * Scores {@code [Q, D]} of every query against every passage (token ids with [CLS]/[SEP]), in {@code manager}.
     *
     * @param manager the manager that receives the result
     * @param queries query token ids, each with [CLS] and [SEP]
     * @param passages passage token ids, each with [CLS] and [SEP]
     * @return the scores
     */
    public NDArray scores(NDManager manager, List<int[]> queries, List<int[]> passages) {
        try (NDManager scope = manager.newSubManager()) {
            NDList q = vectors(scope, queries);
            NDList d = passageVectors(scope, passages);
            NDArray scores = maxSim(q.get(0), q.get(1), d.get(0), d.get(1));
            scores.attach(manager);
            return scores;
        }
    }

    /**
     * Scores {@code [D]} of one query against many passages, in {@code manager}.
     *
     * @param manager the manager that receives the result
     * @param query one query's token ids, with [CLS] and [SEP]
     * @param passages passage token ids, each with [CLS] and [SEP]
     * @return the scores
     */
    public NDArray scores(NDManager manager, int[] query, List<int[]> passages) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray scores = scores(scope, List.of(query), passages).squeeze(0);
            scores.attach(manager);
            return scores;
        }
    }

    /**
     * MaxSim: {@code score[q, d] = sum_i qmask[q, i] * max_{j: dmask[d, j] = 1} qv[q, i] . dv[d, j]} for query vectors
     * {@code [Q, Lq, dim]} and passage vectors {@code [D, Ld, dim]}; result {@code [Q, D]} in {@code qv}'s manager.
     *
     * @param qv query vectors {@code [Q, Lq, dim]}
     * @param qmask query mask {@code [Q, Lq]}
     * @param dv passage vectors {@code [D, Ld, dim]}
     * @param dmask passage mask {@code [D, Ld]}
     * @return the scores {@code [Q, D]}
     */
    public static NDArray maxSim(NDArray qv, NDArray qmask, NDArray dv, NDArray dmask) {
        return maxSim(qv, qmask, dv, dmask, 0);
    }

    /**
     * {@link #maxSim(NDArray, NDArray, NDArray, NDArray)} with the max over passage tokens softened to
     * {@code softness * logsumexp(sim / softness)} when {@code softness > 0} (a training aid: the hard max sends the
     * gradient of a query token to ONE passage token, at random in a from-scratch encoder, so a question word never
     * finds the passage word it should match; the soft max reaches every token, weighted by its similarity, and
     * tends to the hard max as softness goes to 0).
     *
     * @param qv query vectors {@code [Q, Lq, dim]}
     * @param qmask query mask {@code [Q, Lq]}
     * @param dv passage vectors {@code [D, Ld, dim]}
     * @param dmask passage mask {@code [D, Ld]}
     * @param softness the soft-max temperature; 0 or less for the hard max
     * @return the scores {@code [Q, D]}
     */
    public static NDArray maxSim(NDArray qv, NDArray qmask, NDArray dv, NDArray dmask, double softness) {
        long queries = qv.getShape().get(0);
        long qLength = qv.getShape().get(1);
        long dim = qv.getShape().get(2);
        long docs = dv.getShape().get(0);
        long dLength = dv.getShape().get(1);
        NDManager owner = qv.getManager();
        try (NDManager scope = owner.newSubManager()) {
            scope.tempAttachAll(qv, qmask, dv, dmask);
            NDArray sim = qv.reshape(queries * qLength, dim).matMul(dv.reshape(docs * dLength, dim).transpose())
                    .reshape(queries, qLength, docs, dLength);
            // Padded passage tokens can never win the max: push them to finfo.min (finite, so 0 * it stays 0).
            // Engine-owned masks and scalars: mul keeps its operands for the backward pass (see EngineArrays).
            NDArray docWeight = EngineArrays.copyAs(dmask, sim.getDataType());
            docWeight.attach(scope);
            NDArray docPenalty = docWeight.sub(EngineArrays.constant(docWeight, 1))
                    .mul(EngineArrays.constant(docWeight, Float.MAX_VALUE)).reshape(1, 1, docs, dLength);
            NDArray best;
            if (softness > 0) {
                // Padding gets -1e9 after the scaling (finite: no inf - inf); exp() of it is exactly 0.
                NDArray penalty = docWeight.sub(EngineArrays.constant(docWeight, 1))
                        .mul(EngineArrays.constant(docWeight, 1e9)).reshape(1, 1, docs, dLength);
                NDArray scaled = sim.mul(EngineArrays.constant(sim, 1 / softness)).add(penalty);
                NDArray top = scaled.max(new int[] {3}, true).stopGradient();
                best = scaled.sub(top).exp().sum(new int[] {3}).log().add(top.squeeze(3))
                        .mul(EngineArrays.constant(sim, softness));
            } else {
                best = sim.add(docPenalty).max(new int[] {3});
            }
            NDArray queryWeight = EngineArrays.copyAs(qmask, best.getDataType());
            queryWeight.attach(scope);
            queryWeight = queryWeight.reshape(queries, qLength, 1);
            NDArray scores = best.mul(queryWeight).sum(new int[] {1});
            scores.attach(owner);
            return scores;
        }
    }

    /**
     * The encoder (engine level: for kard-bench and the parity tests, not API).
     *
     * @return the BERT-family encoder this scorer owns
     */
    public BertEncoder encoder() {
        return encoder;
    }

    /**
     * A number that identifies the weights and settings producing this scorer's passage vectors, so a file of
     * precomputed vectors can be checked against the scorer that reads it.
     *
     * @return a hash of the projection, a few encoder tensors and the passage length
     */
    public long weightsFingerprint() {
        long hash;
        try (NDArray projection = projection().toType(DataType.FLOAT32, true)) {
            hash = Arrays.hashCode(projection.toFloatArray());
        }
        var parameters = encoder.parameters();
        int last = encoder.config().numHiddenLayers() - 1;
        for (String name : List.of("embeddings.LayerNorm.weight", "encoder.layer." + last + ".output.dense.bias",
                "encoder.layer." + last + ".output.LayerNorm.bias")) {
            try (NDArray copy = parameters.get(name).getArray().toType(DataType.FLOAT32, true)) {
                hash = hash * 31 + Arrays.hashCode(copy.toFloatArray());
            }
        }
        return hash * 31 + settings.passageMaxLength();
    }

    /** The tokenizer, or null for a scorer built on token ids only. */
    TextTokenizer tokenizer() {
        return tokenizer;
    }

    /**
     * The settings.
     *
     * @return the settings
     */
    public ScorerSettings settings() {
        return settings;
    }

    /**
     * The projection weight {@code [dim, hidden]}.
     *
     * @return the projection weight
     */
    public NDArray projection() {
        return block.projection.getArray();
    }

    /**
     * Every trainable weight: the encoder's block as a child plus the projection {@code linear.weight}.
     *
     * @return the trainable block
     */
    public Block block() {
        return block;
    }

    /**
     * The manager that owns the weights.
     *
     * @return the manager
     */
    public NDManager manager() {
        return encoder.manager();
    }

    @Override
    public void close() {
        runInferenceOn(null);
        if (passageScorer != null) {
            passageScorer.close();
        }
        if (tokenizer != null) {
            tokenizer.close();
        }
        encoder.close();
    }

    @Override
    public String toString() {
        return "LateInteractionScorer(" + encoder.config() + ", " + settings + ")";
    }

    /**
     * The projection plus the encoder block; forward takes {@code (query_ids, query_mask, doc_ids, doc_mask)} and
     * encodes both sides with these weights (an attached passage scorer is used by {@link #scores} only).
     */
    private static final class ScorerBlock extends AbstractBlock {
        private final LateInteractionScorer scorer;
        private final Parameter projection;

        ScorerBlock(LateInteractionScorer scorer, Block encoderBlock, NDArray projection) {
            this.scorer = scorer;
            addChildBlock("encoder", encoderBlock);
            this.projection = addParameter(Parameter.builder().setName(PROJECTION_TENSOR)
                    .setType(Parameter.Type.WEIGHT).optShape(projection.getShape()).optArray(projection).build());
        }

        @Override
        protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
                PairList<String, Object> params) {
            NDManager manager = inputs.get(0).getManager();
            try (NDManager scope = manager.newSubManager()) {
                NDArray q = scorer.encoder.forward(inputs.get(0), null, inputs.get(1));
                NDArray d = scorer.encoder.forward(inputs.get(2), null, inputs.get(3));
                q.attach(scope);
                d.attach(scope);
                NDList qv = scorer.vectors(q, inputs.get(1), projection.getArray());
                NDList dv = scorer.vectors(d, inputs.get(3), projection.getArray());
                NDArray scores = maxSim(qv.get(0), qv.get(1), dv.get(0), dv.get(1));
                scores.attach(manager);
                return new NDList(scores);
            }
        }

        /** The weights exist already: this only marks every parameter (encoder included) as trainable. */
        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            for (Block child : children.values()) {
                child.initialize(manager, dataType, inputShapes);
            }
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {new Shape(inputShapes[0].get(0), inputShapes[2].get(0))};
        }
    }
}
