package ai.kard.core.internal.model.gpt2;

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
 * GPT-2: learned absolute positions, pre-LN blocks, fused {@code c_attn}, Conv1D weights stored {@code [in, out]}
 * (applied as {@code x · W + b}, no transpose), {@code ln_f}, LM head tied to {@code wte}.
 *
 * <p>Dropout in training as HF's {@code GPT2Model}: {@code embd_pdrop} on {@code wte + wpe}, {@code attn_pdrop} on
 * the attention probabilities, {@code resid_pdrop} on the outputs of {@code attn.c_proj} and {@code mlp.c_proj}
 * before their residual adds (HF's defaults: 0.1 each).
 */
public final class Gpt2Model extends CausalLanguageModel {
    private final Gpt2Config cfg;
    private final UnaryOperator<NDArray> act;
    private final double embeddingDropout;
    private final double attentionDropout;
    private final double residualDropout;

    Gpt2Model(HfConfig config, Gpt2Config cfg, ModelOptions options, NDManager manager, ParameterBlock block) {
        super(config, options, manager, block, cfg.eosTokenId(), cfg.padTokenId(), Set.of());
        this.cfg = cfg;
        this.act = Ops.activation(cfg.activation());
        this.embeddingDropout = Dropout.configured(config, "embd_pdrop", 0.1);
        this.attentionDropout = Dropout.configured(config, "attn_pdrop", 0.1);
        this.residualDropout = Dropout.configured(config, "resid_pdrop", 0.1);
    }

    static List<TensorSpec> tensors(Gpt2Config c) {
        long d = c.hidden();
        List<TensorSpec> specs = new ArrayList<>();
        specs.add(TensorSpec.normal("transformer.wte.weight", c.vocabSize(), d));
        specs.add(TensorSpec.normal("transformer.wpe.weight", c.positions(), d));
        for (int l = 0; l < c.layers(); l++) {
            String p = "transformer.h." + l + ".";
            specs.add(TensorSpec.ones(p + "ln_1.weight", d));
            specs.add(TensorSpec.zeros(p + "ln_1.bias", d));
            specs.add(TensorSpec.normal(p + "attn.c_attn.weight", d, 3 * d));
            specs.add(TensorSpec.zeros(p + "attn.c_attn.bias", 3 * d));
            specs.add(TensorSpec.normal(p + "attn.c_proj.weight", d, d));
            specs.add(TensorSpec.zeros(p + "attn.c_proj.bias", d));
            specs.add(TensorSpec.ones(p + "ln_2.weight", d));
            specs.add(TensorSpec.zeros(p + "ln_2.bias", d));
            specs.add(TensorSpec.normal(p + "mlp.c_fc.weight", d, c.inner()));
            specs.add(TensorSpec.zeros(p + "mlp.c_fc.bias", c.inner()));
            specs.add(TensorSpec.normal(p + "mlp.c_proj.weight", c.inner(), d));
            specs.add(TensorSpec.zeros(p + "mlp.c_proj.bias", d));
        }
        specs.add(TensorSpec.ones("transformer.ln_f.weight", d));
        specs.add(TensorSpec.zeros("transformer.ln_f.bias", d));
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
        return cfg.hidden();
    }

    @Override
    protected int layers() {
        return cfg.layers();
    }

    @Override
    protected int maxPositions() {
        return cfg.positions();
    }

    @Override
    protected NDArray hidden(NDArray ids, NDArray positions, NDArray mask, KvCache cache, Dropout dropout) {
        ParameterBlock w = weights();
        long batch = ids.getShape().get(0);
        long length = ids.getShape().get(1);
        int heads = cfg.heads();
        int headDim = cfg.headDim();
        double eps = cfg.layerNormEps();
        NDArray h = dropout.apply(Ops.embedding(ids, w.array("transformer.wte.weight"))
                .add(Ops.embedding(positions, w.array("transformer.wpe.weight"))), embeddingDropout);
        for (int l = 0; l < cfg.layers(); l++) {
            String p = "transformer.h." + l + ".";
            NDArray x = Ops.layerNorm(h, w.array(p + "ln_1.weight"), w.array(p + "ln_1.bias"), eps);
            NDList qkv = Ops.conv1d(x, w.array(p + "attn.c_attn.weight"), w.array(p + "attn.c_attn.bias"))
                    .split(3, 2);
            NDArray q = qkv.get(0).reshape(batch, length, heads, headDim);
            NDArray k = qkv.get(1).reshape(batch, length, heads, headDim).transpose(0, 2, 1, 3);
            NDArray v = qkv.get(2).reshape(batch, length, heads, headDim).transpose(0, 2, 1, 3);
            if (cache != null) {
                NDList kv = cache.append(l, k, v);
                k = kv.get(0);
                v = kv.get(1);
            }
            double scale = cfg.scaleAttnWeights() ? 1 / Math.sqrt(headDim) : 1;
            if (cfg.scaleByInverseLayerIdx()) {
                scale /= l + 1;
            }
            NDArray attended = Ops.attention(q, k, v, mask, (float) scale, dropout, attentionDropout);
            h = h.add(dropout.apply(Ops.conv1d(attended, w.array(p + "attn.c_proj.weight"),
                    w.array(p + "attn.c_proj.bias")), residualDropout));
            x = Ops.layerNorm(h, w.array(p + "ln_2.weight"), w.array(p + "ln_2.bias"), eps);
            NDArray inner = act.apply(Ops.conv1d(x, w.array(p + "mlp.c_fc.weight"), w.array(p + "mlp.c_fc.bias")));
            h = h.add(dropout.apply(Ops.conv1d(inner, w.array(p + "mlp.c_proj.weight"),
                    w.array(p + "mlp.c_proj.bias")), residualDropout));
        }
        return Ops.layerNorm(h, w.array("transformer.ln_f.weight"), w.array("transformer.ln_f.bias"), eps);
    }

    @Override
    protected NDArray lmHead(NDArray hidden) {
        String head = cfg.tieWordEmbeddings() ? "transformer.wte.weight" : "lm_head.weight";
        return Ops.linear(hidden, weights().array(head), null);
    }

    @Override
    public String toString() {
        return cfg.toString();
    }
}
