package ai.kard.core.distill;

import ai.kard.api.InvalidSettingException;
import com.google.common.io.RecursiveDeleteOption;
import com.google.common.io.MoreFiles;
import ai.kard.api.Decoding;
import ai.kard.api.KnowledgeBase;
import ai.kard.api.Passage;
import ai.kard.api.Prediction;
import ai.kard.api.Question;
import ai.kard.api.Reranker;
import ai.kard.api.ScoredPassage;
import ai.kard.core.answer.AnswerExtractor;
import ai.kard.core.internal.checkpoint.AtomicFiles;
import ai.kard.core.internal.model.registry.ArchitectureRegistry;
import ai.kard.core.internal.model.LanguageModel;
import ai.kard.core.model.ModelOptions;
import ai.kard.core.internal.tokenizer.TextTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A distilled student ready to answer: BM25 with the question and its options as the query, top
 * {@code candidates}, optional reranker, top-k passages, generation, answer extraction (KARD's inference).
 * Thread-safe: answering holds no mutable state, and the model's generation scopes its own arrays. Owns the model
 * and tokenizer; the knowledge base and reranker belong to the caller.
 */
public final class KardModel implements AutoCloseable {
    /** The file Kard adds to a HF model folder. */
    public static final String KARD_JSON = "kard.json";
    /** Prompts generated together in batch answering. */
    static final int GENERATION_BATCH = 16;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final LanguageModel model;
    private final TextTokenizer tokenizer;
    private final KardSettings settings;
    private final KnowledgeBase knowledgeBase;
    private final Reranker reranker;
    private final ObjectNode provenance;
    /** False for views made by {@link #with}: they share, and must not close, the model. */
    private final boolean owner;

    /**
     * A model ready to answer, from its parts; {@code Distillation.distillFrom} and {@link #load} build one (users
     * get a model from those, never from this constructor).
     *
     * @param model         the student language model (this object closes it)
     * @param tokenizer     its tokenizer (this object closes it)
     * @param settings      prompt format, passages k and generation length
     * @param knowledgeBase required when {@code settings.passages() > 0}
     * @param reranker      optional
     * @param provenance    free-form training record written to {@code kard.json}; may be null
     */
    KardModel(LanguageModel model, TextTokenizer tokenizer, KardSettings settings, KnowledgeBase knowledgeBase,
              Reranker reranker, ObjectNode provenance) {
        this(model, tokenizer, settings, knowledgeBase, reranker, provenance, true);
    }

    private KardModel(LanguageModel model, TextTokenizer tokenizer, KardSettings settings, KnowledgeBase knowledgeBase,
                      Reranker reranker, ObjectNode provenance, boolean owner) {
        this.owner = owner;
        this.model = Objects.requireNonNull(model, "model");
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.settings = Objects.requireNonNull(settings, "settings");
        if (settings.knowledgeAugmented() && knowledgeBase == null) {
            throw new InvalidSettingException("this student was trained with " + settings.passages()
                    + " passage(s) per prompt: give it a knowledge base");
        }
        this.knowledgeBase = knowledgeBase;
        this.reranker = reranker;
        this.provenance = provenance == null ? JSON.createObjectNode() : provenance.deepCopy();
    }

    /**
     * The same student with another knowledge base, reranker or settings (shares the model; close only one).
     *
     * @param kb the knowledge base
     * @param r  the reranker, or null
     * @param s  the settings
     * @return a view that shares this model
     */
    public KardModel with(KnowledgeBase kb, Reranker r, KardSettings s) {
        return new KardModel(model, tokenizer, s, kb, r, provenance, false);
    }

    /**
     * The answering settings.
     *
     * @return prompt format, passages k, candidates and generation length
     */
    public KardSettings settings() {
        return settings;
    }

    /**
     * The student language model.
     *
     * @return the language model this object owns
     */
    LanguageModel languageModel() {
        return model;
    }

    /**
     * The student's tokenizer.
     *
     * @return the tokenizer this object owns
     */
    TextTokenizer tokenizer() {
        return tokenizer;
    }

    /**
     * The training record of {@code kard.json} (settings chosen, data, metrics per epoch, versions), as plain Java
     * values: JSON objects are {@code Map<String, Object>} (keys in file order), arrays {@code List<Object>},
     * numbers {@code Integer}, {@code Long} or {@code Double}, and strings, booleans and nulls as themselves.
     *
     * @return an unmodifiable copy of the record (empty when there is none)
     */
    public Map<String, Object> provenance() {
        return Provenance.toJava(provenance);
    }

    /**
     * Greedy answer with passages retrieved for the question.
     *
     * @param question the question
     * @return the prediction: output, chosen option (or null), passages used
     * @throws IOException when retrieval or generation fails
     */
    public Prediction answer(Question question) throws IOException {
        return answerAll(List.of(question), 1).get(0);
    }

    /**
     * Answers with self-consistency over {@code samples} samples (1 = greedy).
     *
     * @param question the question
     * @param samples  1 for greedy; more samples vote on the answer
     * @return the prediction: output, chosen option (or null), passages used
     * @throws IOException when retrieval or generation fails
     */
    public Prediction answer(Question question, int samples) throws IOException {
        return answerAll(List.of(question), samples).get(0);
    }

    /**
     * Answers many questions, generating in batches; results in question order.
     *
     * @param questions the questions
     * @param samples   1 for greedy; more samples vote on each answer
     * @return one prediction per question
     * @throws IOException when retrieval or generation fails
     */
    public List<Prediction> answerAll(List<Question> questions, int samples) throws IOException {
        List<List<Passage>> passages = new ArrayList<>(questions.size());
        for (Question q : questions) {
            passages.add(retrieve(q));
        }
        return generateAll(questions, passages, samples);
    }

    /**
     * The oracle row: passages retrieved with a given rationale (the teacher's, at test time) instead of the
     * question.
     *
     * @param questions  the questions
     * @param rationales one retrieval query per question, in question order
     * @param samples    1 for greedy; more samples vote on each answer
     * @return one prediction per question
     * @throws IOException when retrieval or generation fails
     */
    public List<Prediction> answerWithRationales(List<Question> questions, List<String> rationales, int samples)
            throws IOException {
        if (questions.size() != rationales.size()) {
            throw new InvalidSettingException(questions.size() + " questions but " + rationales.size()
                    + " rationales");
        }
        List<List<Passage>> passages = new ArrayList<>(questions.size());
        if (settings.knowledgeAugmented()) {
            for (List<ScoredPassage> hits : knowledgeBase.searchAll(rationales, settings.passages())) {
                passages.add(hits.stream().map(ScoredPassage::passage).toList());
            }
        } else {
            questions.forEach(q -> passages.add(List.of()));
        }
        return generateAll(questions, passages, samples);
    }

    /**
     * The passages the prompt for {@code question} gets: BM25(question + options), reranked when configured.
     *
     * @param question the question
     * @return the passages, best first (empty for an RD student)
     * @throws IOException when the knowledge base cannot be read
     */
    public List<Passage> retrieve(Question question) throws IOException {
        if (!settings.knowledgeAugmented()) {
            return List.of();
        }
        String query = question.text() + " " + String.join(" ", question.options());
        int wanted = reranker == null ? settings.passages() : settings.candidates();
        List<Passage> candidates = knowledgeBase.search(query, wanted).stream().map(ScoredPassage::passage).toList();
        if (reranker == null) {
            return candidates;
        }
        return reranker.rerank(query, candidates, settings.passages()).stream().map(ScoredPassage::passage)
                .toList();
    }

    private List<Prediction> generateAll(List<Question> questions, List<List<Passage>> passages, int samples) {
        if (samples <= 0) {
            throw new InvalidSettingException("samples must be positive, got " + samples);
        }
        List<Prediction> out = new ArrayList<>(questions.size());
        // Greedy prompts go in batches; sampled ones one question at a time, seeded by the question id, so that
        // a question's samples never depend on which other questions were answered with it.
        int batch = samples == 1 ? GENERATION_BATCH : 1;
        for (int start = 0; start < questions.size(); start += batch) {
            int end = Math.min(questions.size(), start + batch);
            List<int[]> prompts = new ArrayList<>(end - start);
            for (int i = start; i < end; i++) {
                prompts.add(PromptIds.forModel(model,
                        settings.prompt().encode(tokenizer, PromptInput.of(questions.get(i), passages.get(i)))));
            }
            Decoding decoding = samples == 1 ? Decoding.greedy(settings.maxNewTokens())
                    : Decoding.sampling(settings.maxNewTokens(), questions.get(start).id().hashCode());
            List<List<int[]>> generated = model.generate(prompts, decoding, samples);
            for (int i = start; i < end; i++) {
                out.add(predict(questions.get(i), passages.get(i), generated.get(i - start)));
            }
        }
        return out;
    }

    private Prediction predict(Question question, List<Passage> passages, List<int[]> samples) {
        List<String> texts = samples.stream().map(tokenizer::decode).map(KardModel::restoreAnswerLetter).toList();
        List<Integer> votes = texts.stream().map(t -> AnswerExtractor.extract(t, question.options()).option())
                .toList();
        Integer winner = MajorityVote.winner(votes);
        String output = winner == null ? texts.get(0) : texts.get(votes.indexOf(winner));
        return new Prediction(question.id(), winner, output, passages.stream().map(Passage::id).toList());
    }

    private static final java.util.regex.Pattern LOWER_ANSWER_LINE =
            java.util.regex.Pattern.compile("(?i)\\s*\\banswer\\s*:\\s*\\(?([a-z])\\)?\\s*\\.?\\s*$");

    /**
     * An uncased tokenizer (the bundled WordPiece) decodes the trained answer line {@code Answer: C} as
     * {@code ... answer : c} on the same line (WordPiece drops newlines); the extractor trusts capital letters on
     * an answer line, so the final answer line is restored.
     */
    static String restoreAnswerLetter(String text) {
        java.util.regex.Matcher m = LOWER_ANSWER_LINE.matcher(text);
        if (!m.find()) {
            return text;
        }
        return text.substring(0, m.start()) + "\nAnswer: " + m.group(1).toUpperCase(java.util.Locale.ROOT);
    }

    /**
     * Writes the student (HF layout: config.json, model.safetensors), tokenizer.json and kard.json into
     * {@code dir}. Written into a sibling temporary folder and moved into place, so a failure leaves nothing
     * half-written; an existing {@code dir} must be empty.
     *
     * @param dir the target folder; must not exist or be empty
     * @throws IOException when writing fails; an {@link ai.kard.api.InvalidSettingException} when {@code dir} is not
     *         empty
     */
    public void save(Path dir) throws IOException {
        Path target = dir.toAbsolutePath().normalize();
        if (Files.isDirectory(target)) {
            try (Stream<Path> entries = Files.list(target)) {
                if (entries.findAny().isPresent()) {
                    throw new InvalidSettingException("output folder " + dir + " is not empty");
                }
            }
        } else if (Files.exists(target)) {
            throw new InvalidSettingException("output " + dir + " exists and is not a folder");
        }
        Path parent = target.getParent();
        Files.createDirectories(parent);
        Path temp = Files.createTempDirectory(parent, "." + target.getFileName() + ".tmp");
        try {
            model.save(temp);
            tokenizer.save(temp);
            AtomicFiles.write(temp.resolve(KARD_JSON), JSON.writeValueAsString(toJson())
                    .getBytes(StandardCharsets.UTF_8));
            Files.deleteIfExists(target);
            AtomicFiles.move(temp, target);
        } finally {
            deleteRecursively(temp);
        }
    }

    /**
     * Loads a folder written by {@link #save}.
     *
     * @param dir           the model folder
     * @param options       where and in which precision to run
     * @param knowledgeBase required for a KARD student; ignored (may be null) for RD
     * @param reranker      reranks the BM25 candidates; may be null
     * @return the student, ready to answer; close it
     * @throws IOException a bad-input {@link ai.kard.api.InvalidInputException} when the folder is not a Kard model,
     *         or a read error
     */
    public static KardModel load(Path dir, ModelOptions options, KnowledgeBase knowledgeBase, Reranker reranker)
            throws IOException {
        Path json = dir.resolve(KARD_JSON);
        if (!Files.isRegularFile(json)) {
            throw new InvalidSettingException(dir + " has no " + KARD_JSON + ": not a Kard model folder"
                    + " (train one with kard distill)");
        }
        JsonNode root = JSON.readTree(json.toFile());
        KardSettings settings = settingsFrom(root, json);
        TextTokenizer tokenizer = TextTokenizer.load(dir);
        LanguageModel model;
        try {
            model = ArchitectureRegistry.load(dir, options);
        } catch (IOException | RuntimeException e) {
            tokenizer.close();
            throw e;
        }
        JsonNode provenance = root.get("provenance");
        return new KardModel(model, tokenizer, settings, settings.knowledgeAugmented() ? knowledgeBase : null,
                reranker, provenance instanceof ObjectNode o ? o : null);
    }

    private static KardSettings settingsFrom(JsonNode root, Path file) {
        for (String key : List.of("template", "knowledge_template", "passage_separator", "max_prompt_tokens",
                "passages", "candidates", "max_new_tokens")) {
            if (!root.hasNonNull(key)) {
                throw new InvalidSettingException(file + ": missing \"" + key + "\"");
            }
        }
        PromptTemplate template = new PromptTemplate(root.get("template").asText(),
                root.get("knowledge_template").asText(), root.get("passage_separator").asText());
        return new KardSettings(new PromptFormat(template, root.get("max_prompt_tokens").asInt()),
                root.get("passages").asInt(), root.get("candidates").asInt(), root.get("max_new_tokens").asInt());
    }

    private ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", "kard");
        root.put("format_version", 1);
        root.put("mode", settings.knowledgeAugmented() ? "kard" : "rd");
        PromptTemplate template = settings.prompt().template();
        root.put("template", template.template());
        root.put("knowledge_template", template.knowledge());
        root.put("passage_separator", template.passageSeparator());
        root.put("max_prompt_tokens", settings.prompt().maxTokens());
        root.put("passages", settings.passages());
        root.put("candidates", settings.candidates());
        root.put("max_new_tokens", settings.maxNewTokens());
        root.set("provenance", provenance.deepCopy());
        return root;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        MoreFiles.deleteRecursively(dir, RecursiveDeleteOption.ALLOW_INSECURE);
    }

    @Override
    public void close() {
        if (owner) {
            try {
                model.close();
            } finally {
                tokenizer.close();
            }
        }
    }

}
