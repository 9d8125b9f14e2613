package ai.kard.core.internal.model.opt;

import ai.kard.core.internal.model.common.EngineArrays;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.kard.core.internal.checkpoint.HfConfig;
import ai.kard.core.internal.model.Dropout;
import ai.kard.core.model.ModelOptions;
import ai.kard.core.internal.model.common.CausalLanguageModel;
import ai.kard.core.internal.model.common.KvCache;
import ai.kard.core.internal.model.common.Ops;
import ai.kard.core.internal.model.common.ParameterBlock;
import ai.kard.core.internal.model.common.TensorSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * OPT: learned positions read at {@code position + 2}, derived from the attention mask even in a plain forward;
 * pre-LN (125m, 1.3b, ...) or post-LN (350m) layers; {@code project_in}/{@code project_out} when
 * {@code word_embed_proj_dim} differs from the hidden size; q scaled by {@code head_dim^-0.5} after its bias.
 *
 * <p>Dropout in training as HF's {@code OPTDecoderLayer}: {@code dropout} (default 0.1) on the attention's
 * {@code out_proj} output and on {@code fc2}'s output, each before its residual add; {@code attention_dropout}
 * (default 0) on the attention probabilities. HF's OPT applies none after the embeddings and none after
 * {@code fc1}'s activation (its config has no {@code activation_dropout}). {@code layerdrop} (skipping whole
 * layers, default 0) is not implemented.
 */
public final class OptModel extends CausalLanguageModel {
    private static final String P = "model.decoder.";
    private final OptConfig cfg;
    private final UnaryOperator<NDArray> act;
    private final double residualDropout;
    private final double attentionDropout;

    OptModel(HfConfig config, OptConfig cfg, ModelOptions options, NDManager manager, ParameterBlock block) {
        super(config, options, manager, block, cfg.eosTokenId(), cfg.padTokenId(), Set.of());
        this.cfg = cfg;
        this.act = Ops.activation(cfg.activation());
        this.residualDropout = Dropout.configured(config, "dropout", 0.1);
        this.attentionDropout = Dropout.configured(config, "attention_dropout", 0.0);
    }

    static List<TensorSpec> tensors(OptConfig c) {
        long d = c.hidden();
        List<TensorSpec> specs = new ArrayList<>();
        specs.add(TensorSpec.normal(P + "embed_tokens.weight", c.vocabSize(), c.embedDim()));
        specs.add(TensorSpec.normal(P + "embed_positions.weight", c.maxPositions() + OptConfig.POSITION_OFFSET, d));
        if (c.finalLayerNorm()) {
            specs.add(TensorSpec.ones(P + "final_layer_norm.weight", d));
            specs.add(TensorSpec.zeros(P + "final_layer_norm.bias", d));
        }
        if (c.projects()) {
            specs.add(TensorSpec.normal(P + "project_out.weight", c.embedDim(), d));
            specs.add(TensorSpec.normal(P + "project_in.weight", d, c.embedDim()));
        }
        for (int l = 0; l < c.layers(); l++) {
            String p = P + "layers." + l + ".";
            for (String proj : new String[] {"k_proj", "v_proj", "q_proj", "out_proj"}) {
                specs.add(TensorSpec.normal(p + "self_attn." + proj + ".weight", d, d));
                if (c.bias()) {
                    specs.add(TensorSpec.zeros(p + "self_attn." + proj + ".bias", d));
                }
            }
            specs.add(TensorSpec.ones(p + "self_attn_layer_norm.weight", d));
            specs.add(TensorSpec.zeros(p + "self_attn_layer_norm.bias", d));
            specs.add(TensorSpec.normal(p + "fc1.weight", c.ffnDim(), d));
            if (c.bias()) {
                specs.add(TensorSpec.zeros(p + "fc1.bias", c.ffnDim()));
            }
            specs.add(TensorSpec.normal(p + "fc2.weight", d, c.ffnDim()));
            if (c.bias()) {
                specs.add(TensorSpec.zeros(p + "fc2.bias", d));
            }
            specs.add(TensorSpec.ones(p + "final_layer_norm.weight", d));
            specs.add(TensorSpec.zeros(p + "final_layer_norm.bias", d));
        }
        if (!c.tieWordEmbeddings()) {
            specs.add(TensorSpec.normal("lm_head.weight", c.vocabSize(), c.embedDim()));
        }
        return specs;
    }

    @Override
    public int vocabSize() {
        return cfg.vocabSize();
    }

    @Override
    protected int stateSize() {
        return cfg.embedDim();
    }

    @Override
    protected int layers() {
        return cfg.layers();
    }

    @Override
    protected int maxPositions() {
        return cfg.maxPositions();
    }

    /** OPT's plain forward: {@code cumsum(mask) * mask - 1}, so padded slots read embedding row 1. */
    @Override
    protected long[][] forwardPositions(int[][] mask, int length) {
        long[][] positions = new long[mask.length][length];
        for (int b = 0; b < mask.length; b++) {
            long seen = 0;
            for (int t = 0; t < length; t++) {
                seen += mask[b][t];
                positions[b][t] = seen * mask[b][t] - 1;
            }
        }
        return positions;
    }

    @Override
    protected NDArray hidden(NDArray ids, NDArray positions, NDArray mask, KvCache cache, Dropout dropout) {
        ParameterBlock w = weights();
        long batch = ids.getShape().get(0);
        long length = ids.getShape().get(1);
        int heads = cfg.heads();
        int headDim = cfg.headDim();
        double eps = OptConfig.LAYER_NORM_EPS;
        float scale = (float) Math.pow(headDim, -0.5);
        NDArray h = Ops.embedding(ids, w.array(P + "embed_tokens.weight"));
        if (cfg.projects()) {
            h = Ops.linear(h, w.array(P + "project_in.weight"), null);
        }
        h = h.add(Ops.embedding(positions.add(OptConfig.POSITION_OFFSET), w.array(P + "embed_positions.weight")));
        for (int l = 0; l < cfg.layers(); l++) {
            String p = P + "layers." + l + ".";
            String a = p + "self_attn.";
            NDArray x = cfg.preNorm()
                    ? Ops.layerNorm(h, w.array(p + "self_attn_layer_norm.weight"),
                            w.array(p + "self_attn_layer_norm.bias"), eps)
                    : h;
            NDArray q = Ops.linear(x, w.array(a + "q_proj.weight"), w.arrayOrNull(a + "q_proj.bias"))
                    .mul(EngineArrays.constant(x, scale)).reshape(batch, length, heads, headDim);
            NDArray k = Ops.linear(x, w.array(a + "k_proj.weight"), w.arrayOrNull(a + "k_proj.bias"))
                    .reshape(batch, length, heads, headDim).transpose(0, 2, 1, 3);
            NDArray v = Ops.linear(x, w.array(a + "v_proj.weight"), w.arrayOrNull(a + "v_proj.bias"))
                    .reshape(batch, length, heads, headDim).transpose(0, 2, 1, 3);
            if (cache != null) {
                NDList kv = cache.append(l, k, v);
                k = kv.get(0);
                v = kv.get(1);
            }
            NDArray attended = Ops.attention(q, k, v, mask, 1f, dropout, attentionDropout);
            h = h.add(dropout.apply(Ops.linear(attended, w.array(a + "out_proj.weight"),
                    w.arrayOrNull(a + "out_proj.bias")), residualDropout));
            if (!cfg.preNorm()) {
                h = Ops.layerNorm(h, w.array(p + "self_attn_layer_norm.weight"),
                        w.array(p + "self_attn_layer_norm.bias"), eps);
            }
            x = cfg.preNorm()
                    ? Ops.layerNorm(h, w.array(p + "final_layer_norm.weight"), w.array(p + "final_layer_norm.bias"), eps)
                    : h;
            NDArray inner = act.apply(Ops.linear(x, w.array(p + "fc1.weight"), w.arrayOrNull(p + "fc1.bias")));
            h = h.add(dropout.apply(Ops.linear(inner, w.array(p + "fc2.weight"), w.arrayOrNull(p + "fc2.bias")),
                    residualDropout));
            if (!cfg.preNorm()) {
                h = Ops.layerNorm(h, w.array(p + "final_layer_norm.weight"), w.array(p + "final_layer_norm.bias"), eps);
            }
        }
        if (cfg.finalLayerNorm()) {
            h = Ops.layerNorm(h, w.array(P + "final_layer_norm.weight"), w.array(P + "final_layer_norm.bias"), eps);
        }
        if (cfg.projects()) {
            h = Ops.linear(h, w.array(P + "project_out.weight"), null);
        }
        return h;
    }

    @Override
    protected NDArray lmHead(NDArray hidden) {
        String head = cfg.tieWordEmbeddings() ? P + "embed_tokens.weight" : "lm_head.weight";
        return Ops.linear(hidden, weights().array(head), null);
    }

    @Override
    public String toString() {
        return cfg.toString();
    }
}
