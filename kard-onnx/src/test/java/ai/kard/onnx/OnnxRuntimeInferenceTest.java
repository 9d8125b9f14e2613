package ai.kard.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDList;
import ai.djl.pytorch.jni.JniUtils;
import ai.kard.api.Passage;
import ai.kard.api.ScoredPassage;
import ai.kard.core.internal.model.bert.BertConfig;
import ai.kard.core.internal.model.bert.BertEncoder;
import ai.kard.core.internal.tokenizer.TextTokenizer;
import ai.kard.core.model.ModelOptions;
import ai.kard.core.rerank.InferenceEncoder;
import ai.kard.core.rerank.LateInteractionReranker;
import ai.kard.core.rerank.LateInteractionScorer;
import ai.kard.core.rerank.ScorerSettings;
import ai.kard.onnx.internal.OnnxEncoder;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** A reranker on ONNX Runtime ranks and scores as on PyTorch; training under autograd keeps the PyTorch encoder. */
class OnnxRuntimeInferenceTest {
    private static final BertConfig CONFIG = new BertConfig(30522, 32, 2, 2, 64, 128, 2, 1e-12, "gelu", 0, 0.02);
    private static final ScorerSettings SETTINGS = ScorerSettings.defaults().withDim(16).withMaxLengths(16, 48);
    private static final String QUERY = "Which gas do plants absorb from the air?";
    private static final List<Passage> PASSAGES = List.of(
            new Passage("p1", "Photosynthesis", "Plants absorb carbon dioxide and release oxygen."),
            new Passage("p2", "", "The moon orbits the earth every twenty-seven days."),
            new Passage("p3", "Iron", "Iron rusts when exposed to water and oxygen for a long time."),
            new Passage("p4", "", "Gas giants such as Jupiter have no solid surface."));

    @Test
    void scoresAndRanksAsOnPyTorch() throws Exception {
        try (LateInteractionReranker pytorch = reranker(3); LateInteractionReranker onnx = reranker(3)) {
            OnnxRuntimeInference.install(onnx, 1);
            assertThat(onnx.scorer().inferenceEncoder()).isInstanceOf(OnnxEncoder.class);
            float[] expected = pytorch.scores(QUERY, PASSAGES);
            float[] actual = onnx.scores(QUERY, PASSAGES);
            assertThat(actual).containsExactly(expected, Offset.offset(1e-4f));
            assertThat(onnx.rerank(QUERY, PASSAGES, 4).stream().map(ScoredPassage::passage).toList())
                    .isEqualTo(pytorch.rerank(QUERY, PASSAGES, 4).stream().map(ScoredPassage::passage).toList());
        }
    }

    @Test
    void autogradUsesTheEncoderAndReplacingARuntimeClosesTheOldOne() throws Exception {
        try (LateInteractionReranker reranker = reranker(5)) {
            LateInteractionScorer scorer = reranker.scorer();
            AtomicInteger calls = new AtomicInteger();
            AtomicInteger closed = new AtomicInteger();
            scorer.runInferenceOn(new InferenceEncoder() {
                @Override
                public NDList forward(NDManager manager, List<int[]> sequences) {
                    calls.incrementAndGet();
                    return scorer.encoder().forward(manager, sequences);
                }

                @Override
                public void close() {
                    closed.incrementAndGet();
                }
            });
            try (NDManager scope = scorer.manager().newSubManager()) {
                scorer.vectors(scope, List.of(scorer.queryTokens(QUERY)));
                assertThat(calls).hasValue(1);
                JniUtils.setGradMode(true);
                try {
                    scorer.vectors(scope, List.of(scorer.queryTokens(QUERY)));
                } finally {
                    JniUtils.setGradMode(false);
                }
                assertThat(calls).as("under autograd the PyTorch encoder runs").hasValue(1);
            }
            OnnxRuntimeInference.install(reranker, 1);
            assertThat(closed).hasValue(1);
        }
        assertThatThrownBy(() -> OnnxRuntimeInference.install((LateInteractionScorer) null, -1))
                .hasMessageContaining("-1");
    }

    private static LateInteractionReranker reranker(long seed) throws Exception {
        LateInteractionScorer scorer = LateInteractionScorer.create(BertEncoder.create(CONFIG, seed,
                ModelOptions.cpu()), TextTokenizer.bundledWordPiece(), SETTINGS, seed);
        return new LateInteractionReranker(scorer, 100);
    }
}
