package ai.kard.core.parity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.kard.core.internal.checkpoint.SafetensorsStore;
import ai.kard.core.internal.model.common.EngineArrays;
import ai.kard.core.model.ModelOptions;
import ai.kard.core.internal.model.bert.BertEncoder;
import ai.kard.core.rerank.LateInteractionScorer;
import ai.kard.core.rerank.ScorerSettings;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * BERT fixtures: last hidden states (every position, padding included) and CLS vectors; then the ColBERT section:
 * query/doc token vectors, MaxSim scores with dot products and with L2-normalised vectors.
 */
final class BertParityCheck implements ParityCheck {
    private static final String POOLER_WEIGHT = "pooler.dense.weight";
    private static final String POOLER_BIAS = "pooler.dense.bias";

    @Override
    public void check(Path fixture, JsonNode expected) throws Exception {
        Tolerance tolerance = Tolerance.of(expected);
        JsonNode inputs = expected.path("inputs");
        JsonNode outputs = expected.path("outputs");
        try (BertEncoder encoder = BertEncoder.load(fixture, ModelOptions.cpu());
                NDManager manager = encoder.manager().newSubManager()) {
            NDArray states = encoder.forward(longs(manager, inputs.path("input_ids")),
                    longs(manager, inputs.path("token_type_ids")), longs(manager, inputs.path("attention_mask")));
            tolerance.assertClose("last_hidden_state", states.toFloatArray(),
                    Tolerance.flatten(outputs.path("last_hidden_state")));
            tolerance.assertClose("cls_vector", states.get(":, 0, :").toFloatArray(),
                    Tolerance.flatten(outputs.path("cls_vector")));
        }
        JsonNode colbert = expected.path("colbert");
        if (colbert.isMissingNode()) {
            return;
        }
        for (boolean normalize : new boolean[] {false, true}) {
            BertEncoder encoder = BertEncoder.load(fixture, ModelOptions.cpu());
            NDArray projection = LateInteractionScorer.loadProjection(
                    fixture.resolve(colbert.path("weights_file").asText()), encoder, colbert.path("dim").asInt());
            ScorerSettings settings = ScorerSettings.defaults().withDim(colbert.path("dim").asInt())
                    .withMaxLengths(encoder.config().maxPositionEmbeddings(), encoder.config().maxPositionEmbeddings())
                    .withNormalize(normalize);
            try (LateInteractionScorer scorer = new LateInteractionScorer(encoder, null, projection, settings);
                    NDManager manager = scorer.manager().newSubManager()) {
                List<int[]> queries = unpadded(colbert.path("query_input_ids"), colbert.path("query_attention_mask"));
                List<int[]> docs = unpadded(colbert.path("doc_input_ids"), colbert.path("doc_attention_mask"));
                if (!normalize) {
                    // The fixture pads to its own widths; the scorer pads to the batch's longest row, which is the same.
                    NDList q = scorer.vectors(manager, queries);
                    NDList d = scorer.vectors(manager, docs);
                    tolerance.assertClose("colbert.query_vectors", q.get(0).toFloatArray(),
                            Tolerance.flatten(colbert.path("query_vectors")));
                    tolerance.assertClose("colbert.doc_vectors", d.get(0).toFloatArray(),
                            Tolerance.flatten(colbert.path("doc_vectors")));
                }
                NDArray scores = scorer.scores(manager, queries, docs);
                tolerance.assertClose(normalize ? "colbert.scores_normalized" : "colbert.scores",
                        scores.toFloatArray(),
                        Tolerance.flatten(colbert.path(normalize ? "scores_normalized" : "scores")));
                for (int i = 0; i < queries.size(); i++) {
                    NDArray row = scorer.scores(manager, queries.get(i), docs);
                    tolerance.assertClose("colbert one-query row " + i, row.toFloatArray(),
                            scores.get(i).toFloatArray());
                }
            }
        }
    }

    /**
     * {@code sum(last_hidden_state * attention_mask[..., None] * probe) + sum(pooler_output * probe)} with the probe
     * of gradients.json. Kard's encoder has no pooler (the reranker never uses it), so the test applies HF's
     * ({@code tanh(pooler.dense(cls))}) to the checkpoint's pooler tensors itself: the encoder's gradients then
     * include the pooler's path as HF's do, and the pooler tensors' own gradients are compared too.
     */
    @Override
    public GradientSubject gradientSubject(Path fixture, JsonNode expected, JsonNode gradients) throws Exception {
        JsonNode inputs = expected.path("inputs");
        float[] probe = Tolerance.flatten(gradients.path("probe"));
        BertEncoder encoder = BertEncoder.load(fixture, ModelOptions.cpu());
        Map<String, NDArray> parameters = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : encoder.parameters().entrySet()) {
            parameters.put(e.getKey(), e.getValue().getArray());
        }
        SafetensorsStore checkpoint = SafetensorsStore.open(fixture);
        NDArray poolerWeight = checkpoint.load(POOLER_WEIGHT, encoder.manager(), DataType.FLOAT32);
        NDArray poolerBias = checkpoint.load(POOLER_BIAS, encoder.manager(), DataType.FLOAT32);
        parameters.put(POOLER_WEIGHT, poolerWeight);
        parameters.put(POOLER_BIAS, poolerBias);
        return new GradientSubject(encoder, parameters, manager -> {
            NDArray mask = longs(manager, inputs.path("attention_mask"));
            NDArray states = encoder.forward(longs(manager, inputs.path("input_ids")),
                    longs(manager, inputs.path("token_type_ids")), mask);
            // Autograd keeps the probe for the backward pass: it must not point into a Java buffer (EngineArrays).
            NDArray probeArray = EngineArrays.of(manager, probe, new Shape(probe.length));
            NDArray tokens = states.mul(mask.toType(DataType.FLOAT32, false).expandDims(-1)).mul(probeArray).sum();
            NDArray cls = states.get(":, 0, :");
            NDArray pooled = cls.matMul(poolerWeight.transpose()).add(poolerBias).tanh();
            return tokens.add(pooled.mul(probeArray).sum());
        });
    }

    private static NDArray longs(NDManager manager, JsonNode nested) {
        int rows = nested.size();
        int cols = nested.get(0).size();
        long[] values = new long[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                values[r * cols + c] = nested.get(r).get(c).asLong();
            }
        }
        return manager.create(values, new Shape(rows, cols));
    }

    private static List<int[]> unpadded(JsonNode ids, JsonNode mask) {
        List<int[]> rows = new ArrayList<>();
        for (int r = 0; r < ids.size(); r++) {
            int n = 0;
            while (n < mask.get(r).size() && mask.get(r).get(n).asInt() == 1) {
                n++;
            }
            int[] row = new int[n];
            for (int c = 0; c < n; c++) {
                row[c] = ids.get(r).get(c).asInt();
            }
            rows.add(row);
        }
        return rows;
    }
}
