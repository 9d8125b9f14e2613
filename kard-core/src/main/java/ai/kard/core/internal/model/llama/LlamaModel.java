package ai.kard.core.internal.model.llama;

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
import ai.kard.core.internal.model.common.Rope;
import ai.kard.core.internal.model.common.TensorSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Llama / Mistral / Qwen2 decoder: RMSNorm pre-norm blocks, split-half RoPE, grouped-query attention with
 * contiguous KV-head groups, SwiGLU, optional q/k/v biases (Qwen2), tied or untied LM head. In training, as HF's
 * {@code LlamaAttention} / {@code Qwen2Attention}, dropout ({@code attention_dropout}, default 0) is applied to the
 * attention probabilities only.
 */
public final class LlamaModel extends CausalLanguageModel {
    private final LlamaConfig cfg;
    private final Rope rope;
    private final UnaryOperator<NDArray> act;
    private final float scale;
    private final double attentionDropout;

    LlamaModel(HfConfig config, LlamaConfig cfg, ModelOptions options, NDManager manager, ParameterBlock block) {
        super(config, options, manager, block, cfg.eosTokenId(), cfg.padTokenId(), new HashSet<>(cfg.extraEosTokenIds()));
        this.cfg = cfg;
        this.rope = new Rope(cfg.inverseFrequencies());
        this.act = Ops.activation(cfg.hiddenAct());
        this.scale = (float) (1 / Math.sqrt(cfg.headDim()));
        this.attentionDropout = Dropout.configured(config, "attention_dropout", 0.0);
    }

    public LlamaConfig llamaConfig() {
        return cfg;
    }

    /** Every tensor of the HF checkpoint, named as HF writes it. */
    static List<TensorSpec> tensors(LlamaConfig c) {
        long d = c.hiddenSize();
        long q = (long) c.heads() * c.headDim();
        long kv = (long) c.kvHeads() * c.headDim();
        long i = c.intermediateSize();
        List<TensorSpec> specs = new ArrayList<>();
        specs.add(TensorSpec.normal("model.embed_tokens.weight", c.vocabSize(), d));
        for (int l = 0; l < c.layers(); l++) {
            String p = "model.layers." + l + ".";
            specs.add(TensorSpec.normal(p + "self_attn.q_proj.weight", q, d));
            if (c.qkvBias()) {
                specs.add(TensorSpec.zeros(p + "self_attn.q_proj.bias", q));
            }
            specs.add(TensorSpec.normal(p + "self_attn.k_proj.weight", kv, d));
            if (c.qkvBias()) {
                specs.add(TensorSpec.zeros(p + "self_attn.k_proj.bias", kv));
            }
            specs.add(TensorSpec.normal(p + "self_attn.v_proj.weight", kv, d));
            if (c.qkvBias()) {
                specs.add(TensorSpec.zeros(p + "self_attn.v_proj.bias", kv));
            }
            specs.add(TensorSpec.normal(p + "self_attn.o_proj.weight", d, q));
            if (c.outputBias()) {
                specs.add(TensorSpec.zeros(p + "self_attn.o_proj.bias", d));
            }
            for (String proj : new String[] {"gate_proj", "up_proj"}) {
                specs.add(TensorSpec.normal(p + "mlp." + proj + ".weight", i, d));
                if (c.mlpBias()) {
                    specs.add(TensorSpec.zeros(p + "mlp." + proj + ".bias", i));
                }
            }
            specs.add(TensorSpec.normal(p + "mlp.down_proj.weight", d, i));
            if (c.mlpBias()) {
                specs.add(TensorSpec.zeros(p + "mlp.down_proj.bias", d));
            }
            specs.add(TensorSpec.ones(p + "input_layernorm.weight", d));
            specs.add(TensorSpec.ones(p + "post_attention_layernorm.weight", d));
        }
        specs.add(TensorSpec.ones("model.norm.weight", d));
        if (!c.tieWordEmbeddings()) {
            specs.add(TensorSpec.normal("lm_head.weight", c.vocabSize(), d));
        }
        return specs;
    }

    @Override
    public int vocabSize() {
        return cfg.vocabSize();
    }

    @Override
    protected int stateSize() {
        return cfg.hiddenSize();
    }

    @Override
    protected int layers() {
        return cfg.layers();
    }

    @Override
    protected int maxPositions() {
        return cfg.slidingWindow() > 0 ? cfg.slidingWindow() : Integer.MAX_VALUE;
    }

    @Override
    protected NDArray hidden(NDArray ids, NDArray positions, NDArray mask, KvCache cache, Dropout dropout) {
        ParameterBlock w = weights();
        long batch = ids.getShape().get(0);
        long length = ids.getShape().get(1);
        NDList cosSin = rope.cosSin(positions, dataType());
        NDArray h = Ops.embedding(ids, w.array("model.embed_tokens.weight"));
        for (int l = 0; l < cfg.layers(); l++) {
            String p = "model.layers." + l + ".";
            NDArray x = Ops.rmsNorm(h, w.array(p + "input_layernorm.weight"), cfg.rmsNormEps());
            NDArray q = Ops.linear(x, w.array(p + "self_attn.q_proj.weight"), w.arrayOrNull(p + "self_attn.q_proj.bias"))
                    .reshape(batch, length, cfg.heads(), cfg.headDim());
            NDArray k = Ops.linear(x, w.array(p + "self_attn.k_proj.weight"), w.arrayOrNull(p + "self_attn.k_proj.bias"))
                    .reshape(batch, length, cfg.kvHeads(), cfg.headDim());
            NDArray v = Ops.linear(x, w.array(p + "self_attn.v_proj.weight"), w.arrayOrNull(p + "self_attn.v_proj.bias"))
                    .reshape(batch, length, cfg.kvHeads(), cfg.headDim());
            q = Rope.apply(q, cosSin);
            k = Rope.apply(k, cosSin).transpose(0, 2, 1, 3);
            v = v.transpose(0, 2, 1, 3);
            if (cache != null) {
                NDList kv = cache.append(l, k, v);
                k = kv.get(0);
                v = kv.get(1);
            }
            NDArray attended = Ops.attention(q, k, v, mask, scale, dropout, attentionDropout);
            h = h.add(Ops.linear(attended, w.array(p + "self_attn.o_proj.weight"),
                    w.arrayOrNull(p + "self_attn.o_proj.bias")));
            x = Ops.rmsNorm(h, w.array(p + "post_attention_layernorm.weight"), cfg.rmsNormEps());
            NDArray gate = act.apply(Ops.linear(x, w.array(p + "mlp.gate_proj.weight"),
                    w.arrayOrNull(p + "mlp.gate_proj.bias")));
            NDArray up = Ops.linear(x, w.array(p + "mlp.up_proj.weight"), w.arrayOrNull(p + "mlp.up_proj.bias"));
            h = h.add(Ops.linear(gate.mul(up), w.array(p + "mlp.down_proj.weight"),
                    w.arrayOrNull(p + "mlp.down_proj.bias")));
        }
        return Ops.rmsNorm(h, w.array("model.norm.weight"), cfg.rmsNormEps());
    }

    @Override
    protected NDArray lmHead(NDArray hidden) {
        String head = cfg.tieWordEmbeddings() ? "model.embed_tokens.weight" : "lm_head.weight";
        return Ops.linear(hidden, weights().array(head), null);
    }

    @Override
    public String toString() {
        return cfg.toString();
    }
}
