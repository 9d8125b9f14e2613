package ai.kard.core.internal.model.gpt2;

import ai.djl.ndarray.NDArray;
import ai.kard.core.internal.checkpoint.HfConfig;
import ai.kard.core.internal.model.Architecture;
import ai.kard.core.model.ModelOptions;
import ai.kard.core.internal.model.common.CausalLanguageModel;
import ai.kard.core.internal.model.common.Checkpoints;
import ai.kard.core.internal.model.common.TensorSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code model_type} gpt2. Loads {@code GPT2LMHeadModel} files and bare {@code GPT2Model} ones (names without
 * {@code transformer.}); the {@code attn.bias} / {@code attn.masked_bias} mask buffers of old files are skipped.
 */
public final class Gpt2Architecture implements Architecture {

    @Override
    public Gpt2Model load(Path folder, HfConfig config, ModelOptions options) throws IOException {
        Gpt2Config cfg = Gpt2Config.from(config);
        List<TensorSpec> specs = Gpt2Model.tensors(cfg);
        return Checkpoints.withOwnedManager(options, manager -> {
            Map<String, NDArray> arrays = Checkpoints.load(folder, specs, loader -> {
                loader.prefixes("transformer.")
                        .ignore(name -> name.endsWith(".attn.bias") || name.endsWith(".attn.masked_bias"));
                return cfg.tieWordEmbeddings() ? loader.ignore(name -> name.equals("lm_head.weight")) : loader;
            }, manager, options.dataType());
            return CausalLanguageModel.withCopyHeadIfWanted(
                    new Gpt2Model(config, cfg, options, manager, Checkpoints.block(specs, arrays)), folder, 0);
        });
    }

    @Override
    public Gpt2Model create(HfConfig config, long seed, ModelOptions options) throws IOException {
        Gpt2Config cfg = Gpt2Config.from(config);
        List<TensorSpec> specs = Gpt2Model.tensors(cfg);
        return Checkpoints.withOwnedManager(options, manager -> {
            Map<String, NDArray> arrays = Checkpoints.random(specs, seed, cfg.initializerRange(), manager,
                    options.dataType());
            return CausalLanguageModel.withCopyHeadIfWanted(
                    new Gpt2Model(config, cfg, options, manager, Checkpoints.block(specs, arrays)), null, seed);
        });
    }
}
