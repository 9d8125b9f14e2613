package ai.kard.core.dense;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.kard.api.Passage;
import ai.kard.api.ScoredPassage;
import ai.kard.core.hub.HubSettings;
import ai.kard.core.hub.ModelReference;
import ai.kard.core.model.ModelOptions;
import ai.kard.core.internal.model.bert.BertConfig;
import ai.kard.core.internal.model.bert.BertEncoder;
import ai.kard.core.rerank.LateInteractionReranker;
import ai.kard.core.rerank.LateInteractionScorer;
import ai.kard.core.rerank.ScoringMode;
import ai.kard.core.internal.tokenizer.TextTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DenseKnowledgeBaseTest {
    static final Path MINILM = Path.of(System.getProperty("kard.repo.root", "."))
            .resolve("../shared/models/all-minilm-l6-v2").normalize();
    static final BertConfig CONFIG = new BertConfig(30522, 32, 2, 2, 64, 300, 2, 1e-12, "gelu", 0, 0.02);
    static final List<Passage> CORPUS = List.of(
            new Passage("d1", "Photosynthesis", "Plants absorb carbon dioxide and release oxygen."),
            new Passage("d2", "", "The moon orbits the earth every twenty-seven days."),
            new Passage("d3", "Iron", "Iron rusts when exposed to water and oxygen for a long time."),
            new Passage("d4", "", "Gas giants such as Jupiter have no solid surface."),
            new Passage("d5", "Roots", "Roots take up water and minerals from the soil."),
            new Passage("d6", "Magnets", "A magnet attracts iron nails but not copper wire."),
            new Passage("d7", "", "Sound travels faster in water than in air."));

    @TempDir
    Path temp;

    private ModelReference offline() {
        return new ModelReference(new HubSettings(temp.resolve("hub"), "http://127.0.0.1:9", null, true));
    }

    private LateInteractionScorer zeroShot(ScoringMode mode) throws IOException {
        Path folder = temp.resolve("encoder");
        if (!Files.isDirectory(folder)) {
            try (BertEncoder encoder = BertEncoder.create(CONFIG, 9, ModelOptions.cpu());
                    TextTokenizer tokenizer = TextTokenizer.bundledWordPiece()) {
                encoder.save(folder);
                tokenizer.save(folder);
            }
        }
        return LateInteractionScorer.zeroShot(folder.toString(), mode, ModelOptions.cpu(), offline());
    }

    @Test
    void topKIsTheBiEncodersOwnRankingOfTheWholeCorpus() throws IOException {
        // More passages than one encoder batch, of different lengths: length-sorted batches must map back to rows.
        List<Passage> corpus = new ArrayList<>(CORPUS);
        for (int i = 0; i < 40; i++) {
            corpus.add(new Passage("x" + i, "", "filler passage " + i + " about " + "rivers and stones ".repeat(i % 7)));
        }
        String query = "Which gas do plants release?";
        try (LateInteractionScorer scorer = zeroShot(ScoringMode.BI_ENCODER)) {
            DenseKnowledgeBase dense = DenseKnowledgeBase.build(scorer, corpus);
            assertThat(dense.size()).isEqualTo(corpus.size());
            // The reranker reads contents(); give it the encoder's text so both see the same words.
            LateInteractionReranker reranker = new LateInteractionReranker(scorer, 0);
            List<Passage> asEncoded = corpus.stream().map(p -> new Passage(p.id(), "",
                    DenseKnowledgeBase.encoderText(p))).toList();
            List<ScoredPassage> found = dense.search(query, 5);
            assertThat(found).hasSize(5).isSortedAccordingTo(ScoredPassage.BEST_FIRST);
            float[] all = reranker.scores(query, asEncoded);
            for (ScoredPassage hit : found) {
                assertThat(hit.score()).isCloseTo(all[corpus.indexOf(hit.passage())], Offset.offset(1e-5));
            }
            // Top 5: nothing left out scores above the fifth (up to float noise between batchings).
            double fifth = found.get(4).score();
            for (int i = 0; i < corpus.size(); i++) {
                if (!found.stream().map(ScoredPassage::passage).toList().contains(corpus.get(i))) {
                    assertThat((double) all[i]).as(corpus.get(i).id()).isLessThanOrEqualTo(fifth + 1e-5);
                }
            }
            assertThat(dense.score(query, List.of("d3", "x5")).get(1).score())
                    .isCloseTo(all[corpus.size() - 40 + 5], Offset.offset(1e-5));
            assertThat(dense.search(query, 1000)).hasSize(corpus.size());
            assertThat(dense.searchAll(List.of(query, "moon"), 3).get(0)).isEqualTo(dense.search(query, 3));
            assertThat(dense.passage("d6")).contains(CORPUS.get(5));
            assertThatThrownBy(() -> dense.score(query, List.of("nope"))).hasMessageContaining("nope");
        }
    }

    @Test
    void refusesLateInteractionScorersAndRepeatedIds() throws IOException {
        try (LateInteractionScorer late = zeroShot(ScoringMode.LATE_INTERACTION)) {
            assertThatThrownBy(() -> DenseKnowledgeBase.build(late, CORPUS))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bi-encoder");
        }
        try (LateInteractionScorer bi = zeroShot(ScoringMode.BI_ENCODER)) {
            List<Passage> twice = List.of(CORPUS.get(0), new Passage("d1", "", "another text"));
            assertThatThrownBy(() -> DenseKnowledgeBase.build(bi, twice)).hasMessageContaining("d1 occurs twice");
        }
    }

    @Test
    void miniLmPassageVectorsAreTheSentenceTransformersEmbeddings() throws IOException {
        assumeTrue(Files.isRegularFile(MINILM.resolve("expected-onnxruntime.json")), "no MiniLM folder at " + MINILM);
        JsonNode expected = new ObjectMapper().readTree(MINILM.resolve("expected-onnxruntime.json").toFile());
        List<String> sentences = Files.readAllLines(MINILM.resolve("sentences.txt")).stream()
                .filter(s -> !s.isBlank()).toList();
        List<Passage> corpus = new ArrayList<>();
        for (int i = 0; i < sentences.size(); i++) {
            corpus.add(new Passage("s" + i, "", sentences.get(i)));
        }
        try (LateInteractionScorer scorer = LateInteractionScorer.zeroShot(MINILM.toString(), ScoringMode.BI_ENCODER,
                ModelOptions.cpu(), offline())) {
            DenseKnowledgeBase dense = DenseKnowledgeBase.build(scorer, corpus);
            for (int i = 0; i < sentences.size(); i++) {
                float[] vector = dense.vector("s" + i).orElseThrow();
                JsonNode row = expected.get("mean_pooled_normalized").get(i);
                for (int h = 0; h < vector.length; h++) {
                    assertThat((double) vector[h]).as("sentence %d, dim %d", i, h)
                            .isCloseTo(row.get(h).asDouble(), Offset.offset(1e-5));
                }
            }
            // The question about the liver finds the sentence about the liver (not itself: it is s0).
            List<ScoredPassage> hits = dense.search("Which organ makes bile?", 2);
            assertThat(hits.get(0).id()).isEqualTo("s1");
        }
    }
}
