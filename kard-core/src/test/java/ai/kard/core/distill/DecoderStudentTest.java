package ai.kard.core.distill;

import static org.assertj.core.api.Assertions.assertThat;

import ai.kard.api.Decoding;
import ai.kard.api.Passage;
import ai.kard.api.Prediction;
import ai.kard.api.Question;
import ai.kard.api.Rationale;
import ai.kard.core.Kard;
import ai.kard.core.internal.checkpoint.HfConfig;
import ai.kard.core.internal.model.LanguageModel;
import ai.kard.core.model.ModelOptions;
import ai.kard.core.internal.model.common.CausalLanguageModel;
import ai.kard.core.internal.model.llama.LlamaArchitecture;
import ai.kard.core.internal.model.llama.LlamaModel;
import ai.kard.core.internal.tokenizer.TextTokenizer;
import ai.kard.core.train.EpochMetrics;
import ai.kard.retrieval.Bm25Settings;
import ai.kard.retrieval.LuceneKnowledgeBase;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decoder-only students through the fluent API: preset resolution, bos prompts, distillation, save and reload. */
class DecoderStudentTest {
    @TempDir
    static Path dir;
    static LuceneKnowledgeBase kb;
    static Path tinyLlama;
    static final List<Question> QUESTIONS = new ArrayList<>();
    static final List<Rationale> RATIONALES = new ArrayList<>();

    @BeforeAll
    static void setUp() throws Exception {
        String[] drugs = {"zoravine", "quelamide", "trobaxil", "morphenta", "salucrin", "divotrex"};
        String[] diseases = {"blorf fever", "snark pox", "wumple syndrome", "grizzle rot", "fennick palsy",
                "yabber cough"};
        List<Passage> corpus = new ArrayList<>();
        for (int i = 0; i < drugs.length; i++) {
            corpus.add(new Passage("p" + i, diseases[i], diseases[i] + " is treated first with " + drugs[i] + "."));
            List<String> options = new ArrayList<>();
            for (int j = 0; j < 4; j++) {
                options.add(drugs[(i + j) % drugs.length]);
            }
            Collections.rotate(options, i % 4);
            QUESTIONS.add(new Question("q" + i, "Which drug is given first for " + diseases[i] + "?", options,
                    options.indexOf(drugs[i])));
            RATIONALES.add(new Rationale("q" + i, diseases[i] + " is treated first with " + drugs[i]
                    + ". So the answer is " + drugs[i] + "."));
        }
        kb = LuceneKnowledgeBase.inMemory(corpus, Bm25Settings.DEFAULT);
        // A HF folder with a tiny random Llama on the bundled WordPiece vocabulary: the "HF folder" student path.
        tinyLlama = dir.resolve("tiny-llama");
        HfConfig config = HfConfig.of("architectures", List.of("LlamaForCausalLM"), "model_type", "llama",
                "vocab_size", 30522, "hidden_size", 64, "intermediate_size", 128, "num_hidden_layers", 2,
                "num_attention_heads", 4, "num_key_value_heads", 2, "tie_word_embeddings", true,
                "bos_token_id", 101, "eos_token_id", 102, "pad_token_id", 0);
        try (LlamaModel model = new LlamaArchitecture().create(config, 3, ModelOptions.cpu());
             TextTokenizer tokenizer = TextTokenizer.bundledWordPiece()) {
            model.save(tinyLlama);
            tokenizer.save(tinyLlama);
        }
    }

    @AfterAll
    static void tearDown() throws Exception {
        kb.close();
    }

    @Test
    void llamaTinyPresetResolvesToASeededLlamaOnTheBundledTokenizer() throws Exception {
        StudentReference ref = StudentReference.resolve("Scratch:Llama-Tiny");
        assertThat(ref).isInstanceOf(StudentReference.Preset.class);
        assertThat(ref.text()).isEqualTo("scratch:llama-tiny");
        assertThat(ref.defaults().epochs()).isGreaterThan(TrainingDefaults.pretrained().epochs());
        assertThat(ref.defaults().renameProbability()).isPositive();
        try (LanguageModel model = ref.loadModel(7, ModelOptions.cpu()); TextTokenizer tokenizer = ref.loadTokenizer()) {
            assertThat(model.isEncoderDecoder()).isFalse();
            assertThat(model.config().modelType()).isEqualTo("llama");
            assertThat(model.eosTokenId()).isEqualTo(102);
            assertThat(model.padTokenId()).isEqualTo(0);
            assertThat(((CausalLanguageModel) model).vocabSize()).isEqualTo(tokenizer.vocabSize());
            assertThat(PromptIds.bosTokenId(model)).isEqualTo(101);
        }
    }

    @Test
    void decoderPromptsStartWithOneBosAndT5PromptsAreUntouched() throws Exception {
        try (LanguageModel llama = StudentReference.resolve(tinyLlama.toString()).loadModel(1, ModelOptions.cpu());
             TextTokenizer tokenizer = TextTokenizer.bundledWordPiece()) {
            assertThat(PromptIds.forModel(llama, new int[] {7, 8})).containsExactly(101, 7, 8);
            assertThat(PromptIds.forModel(llama, new int[] {101, 7})).containsExactly(101, 7);
            assertThat(PromptIds.forModel(llama, new int[0])).containsExactly(101);
            assertThat(PromptIds.forModel(new FakeLanguageModel(tokenizer), new int[] {7, 8})).containsExactly(7, 8);
        }
    }

    @Test
    void tinyLlamaFolderDistilsAnswersSavesAndReloadsWithIdenticalGenerations() throws Exception {
        Path saved = dir.resolve("kard-llama");
        List<Prediction> before;
        List<List<int[]>> tokensBefore;
        List<int[]> prompts = new ArrayList<>();
        try (KardModel model = Kard.student(tinyLlama.toString()).withKnowledgeBase(kb).passages(1).epochs(4)
                .batchSize(3).learningRate(3e-3).seed(1).distillFrom(QUESTIONS, RATIONALES)) {
            JsonNode provenance = new ObjectMapper().valueToTree(model.provenance());
            assertThat(provenance.at("/data/examples").asInt()).isEqualTo(6);
            List<EpochMetrics> epochs = new ObjectMapper().convertValue(provenance.at("/metrics/epochs"),
                    new com.fasterxml.jackson.core.type.TypeReference<List<EpochMetrics>>() { });
            assertThat(epochs).hasSize(4);
            assertThat(epochs.get(3).trainLoss()).isLessThan(epochs.get(0).trainLoss());
            before = model.answerAll(QUESTIONS, 1);
            assertThat(before).hasSize(6);
            for (int i = 0; i < 6; i++) {
                assertThat(before.get(i).passageIds()).containsExactly("p" + i);
            }
            for (Question q : QUESTIONS) {
                prompts.add(PromptIds.forModel(model.languageModel(),
                        model.settings().prompt().encode(model.tokenizer(), PromptInput.of(q, model.retrieve(q)))));
            }
            assertThat(prompts).allSatisfy(p -> assertThat(p[0]).isEqualTo(101));
            tokensBefore = model.languageModel().generate(prompts, Decoding.greedy(12), 1);
            model.save(saved);
        }
        assertThat(saved.resolve("config.json")).exists();
        assertThat(saved.resolve("model.safetensors")).exists();
        assertThat(saved.resolve("tokenizer.json")).exists();
        assertThat(saved.resolve(KardModel.KARD_JSON)).exists();
        try (KardModel loaded = KardModel.load(saved, ModelOptions.cpu(), kb, null)) {
            assertThat(loaded.languageModel().config().modelType()).isEqualTo("llama");
            assertThat(loaded.settings().passages()).isEqualTo(1);
            List<List<int[]>> tokensAfter = loaded.languageModel().generate(prompts, Decoding.greedy(12), 1);
            for (int i = 0; i < prompts.size(); i++) {
                assertThat(tokensAfter.get(i).get(0)).containsExactly(tokensBefore.get(i).get(0));
            }
            assertThat(loaded.answerAll(QUESTIONS, 1)).isEqualTo(before);
        }
    }
}
