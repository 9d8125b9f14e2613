package ai.kard.core.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.kard.api.Passage;
import ai.kard.api.Question;
import ai.kard.api.Rationale;
import ai.kard.core.Kard;
import ai.kard.core.internal.model.LanguageModel;
import ai.kard.core.model.ModelOptions;
import ai.kard.core.internal.tokenizer.TextTokenizer;
import ai.kard.core.internal.train.BatchSource;
import ai.kard.core.train.ProgressListener;
import ai.kard.retrieval.Bm25Settings;
import ai.kard.retrieval.LuceneKnowledgeBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exact resume of a distillation with renaming augmentation on: a run interrupted right after its first checkpoint
 * and continued by a fresh {@link Distillation} (nothing kept in memory but the files) ends with the weights of the
 * uninterrupted run, bit for bit. The kill -9 version of this through the command line is
 * {@code ai.kard.examples.cli.DistillKillResumeTest}.
 */
class DistillationResumeTest {
    @TempDir
    static Path dir;
    static LuceneKnowledgeBase kb;
    static final List<Question> QUESTIONS = new ArrayList<>();
    static final List<Rationale> RATIONALES = new ArrayList<>();

    /** Thrown from the listener to stop a run the way a crash would: after a checkpoint, before anything else. */
    static final class SimulatedCrash extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    @BeforeAll
    static void inventedDrugs() throws Exception {
        // Invented names outside the WordPiece vocabulary that the rationale copies from the passage: exactly what
        // the renaming augmentation rewrites, so with probability 1 every example is augmented in every epoch.
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
    }

    @AfterAll
    static void closeIndex() throws Exception {
        kb.close();
    }

    private static Distillation recipe(String student) {
        // 6 examples in batches of 3: 2 steps per epoch, 2 epochs, a checkpoint at each epoch end; resuming from the
        // first runs epoch 2, the first whose augmentation a lost visit counter would have drawn wrong.
        return Kard.student(student).withKnowledgeBase(kb).passages(1).epochs(2).batchSize(3).learningRate(3e-3)
                .renameProbability(1.0).seed(7);
    }

    @ParameterizedTest
    @ValueSource(strings = {"scratch:llama-tiny", "scratch:t5-tiny"})
    void resumeAfterTheFirstCheckpointReproducesTheUninterruptedWeightsBitForBit(String student) throws Exception {
        String name = student.replace(':', '-');
        Path uninterrupted = dir.resolve(name + "-uninterrupted");
        try (KardModel model = recipe(student).checkpoints(dir.resolve(name + "-uninterrupted-checkpoints"), false)
                .distillFrom(QUESTIONS, RATIONALES)) {
            model.save(uninterrupted);
        }

        Path checkpoints = dir.resolve(name + "-resumed-checkpoints");
        ProgressListener crashAfterFirstCheckpoint = new ProgressListener() {
            @Override
            public void onCheckpoint(Path checkpoint) {
                throw new SimulatedCrash();
            }
        };
        assertThatThrownBy(() -> recipe(student).checkpoints(checkpoints, false).listener(crashAfterFirstCheckpoint)
                .distillFrom(QUESTIONS, RATIONALES)).isInstanceOf(SimulatedCrash.class);
        try (Stream<Path> written = Files.list(checkpoints)) {
            assertThat(written.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("checkpoint-")))
                    .as("the crash came after the first epoch's checkpoint").containsExactly("checkpoint-00000002");
        }

        Path resumed = dir.resolve(name + "-resumed");
        try (KardModel model = recipe(student).checkpoints(checkpoints, true).distillFrom(QUESTIONS, RATIONALES)) {
            model.save(resumed);
        }
        Map<String, String> expected = weightFileHashes(uninterrupted);
        assertThat(expected).containsKey("model.safetensors");
        assertThat(weightFileHashes(resumed)).as("SHA-256 of the resumed run's weight files").isEqualTo(expected);
    }

    @Test
    void augmentationDependsOnTheEpochAndNotOnHowOftenAnExampleWasSeen() throws Exception {
        StudentReference ref = StudentReference.resolve("scratch:llama-tiny");
        DistillationSet set = DistillationSet.build(QUESTIONS, RATIONALES, kb, 1);
        try (LanguageModel model = ref.loadModel(7, ModelOptions.cpu()); TextTokenizer tokenizer = ref.loadTokenizer();
             NDManager manager = NDManager.newBaseManager()) {
            ExampleAugmenter renaming = ExampleAugmenter.renaming(RareWordRenamer.builder().probability(1.0).build());
            DistillationTask task = new DistillationTask(model, tokenizer, PromptFormat.defaults(), set.examples(),
                    renaming, 7);
            BatchSource<DistillationTask.Batch> source = task.trainingSource(6);
            assertThat(source.size()).isEqualTo(1);
            assertThat(source.batch(0, 2).epoch()).isEqualTo(2);

            // A resumed process visits epoch 2 first: it must draw what the uninterrupted run drew there.
            float epoch2 = task.loss(manager, source.batch(0, 2)).getFloat();
            float epoch2Again = task.loss(manager, source.batch(0, 2)).getFloat();
            float epoch1 = task.loss(manager, source.batch(0, 1)).getFloat();
            assertThat(epoch2Again).isEqualTo(epoch2);
            assertThat(epoch1).as("other names in another epoch").isNotEqualTo(epoch2);
        }
    }

    /** SHA-256 of every {@code .safetensors} file of a saved model (model and copy head), by file name. */
    static Map<String, String> weightFileHashes(Path folder) throws Exception {
        Map<String, String> hashes = new TreeMap<>();
        try (Stream<Path> list = Files.list(folder)) {
            for (Path p : list.filter(p -> p.getFileName().toString().endsWith(".safetensors")).toList()) {
                hashes.put(p.getFileName().toString(),
                        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        }
        return hashes;
    }
}
