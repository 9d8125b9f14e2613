package ai.kard.core.internal.model.llama;

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

/** {@code model_type} llama, mistral and qwen2. */
public final class LlamaArchitecture implements Architecture {

    @Override
    public LlamaModel load(Path folder, HfConfig config, ModelOptions options) throws IOException {
        LlamaConfig cfg = LlamaConfig.from(config);
        List<TensorSpec> specs = LlamaModel.tensors(cfg);
        return Checkpoints.withOwnedManager(options, manager -> {
            Map<String, NDArray> arrays = Checkpoints.load(folder, specs,
                    loader -> cfg.tieWordEmbeddings() ? loader.ignore(name -> name.equals("lm_head.weight"))
                            .ignore(name -> name.endsWith("rotary_emb.inv_freq"))
                            : loader.ignore(name -> name.endsWith("rotary_emb.inv_freq")),
                    manager, options.dataType());
            return CausalLanguageModel.withCopyHeadIfWanted(
                    new LlamaModel(config, cfg, options, manager, Checkpoints.block(specs, arrays)), folder, 0);
        });
    }

    @Override
    public LlamaModel create(HfConfig config, long seed, ModelOptions options) throws IOException {
        LlamaConfig cfg = LlamaConfig.from(config);
        List<TensorSpec> specs = LlamaModel.tensors(cfg);
        return Checkpoints.withOwnedManager(options, manager -> {
            Map<String, NDArray> arrays = Checkpoints.random(specs, seed, cfg.initializerRange(), manager,
                    options.dataType());
            return CausalLanguageModel.withCopyHeadIfWanted(
                    new LlamaModel(config, cfg, options, manager, Checkpoints.block(specs, arrays)), null, seed);
        });
    }

    @Override
    public java.util.Map<String, HfConfig> presets() {
        return LlamaPresets.all();
    }
}
