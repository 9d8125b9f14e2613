package ai.kard.core.internal.model.opt;

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
 * {@code model_type} opt. Accepts {@code OPTForCausalLM} names ({@code model.decoder.…}) and the bare
 * {@code OPTModel} names of the original conversions ({@code decoder.…}); a tied checkpoint's copy of
 * {@code lm_head.weight} is ignored.
 */
public final class OptArchitecture implements Architecture {

    @Override
    public OptModel load(Path folder, HfConfig config, ModelOptions options) throws IOException {
        OptConfig cfg = OptConfig.from(config);
        List<TensorSpec> specs = OptModel.tensors(cfg);
        return Checkpoints.withOwnedManager(options, manager -> {
            Map<String, NDArray> arrays = Checkpoints.load(folder, specs, loader -> {
                loader.prefixes("model.");
                return cfg.tieWordEmbeddings() ? loader.ignore(name -> name.equals("lm_head.weight")) : loader;
            }, manager, options.dataType());
            return CausalLanguageModel.withCopyHeadIfWanted(
                    new OptModel(config, cfg, options, manager, Checkpoints.block(specs, arrays)), folder, 0);
        });
    }

    @Override
    public OptModel create(HfConfig config, long seed, ModelOptions options) throws IOException {
        OptConfig cfg = OptConfig.from(config);
        List<TensorSpec> specs = OptModel.tensors(cfg);
        return Checkpoints.withOwnedManager(options, manager -> {
            Map<String, NDArray> arrays = Checkpoints.random(specs, seed, cfg.initStd(), manager,
                    options.dataType());
            return CausalLanguageModel.withCopyHeadIfWanted(
                    new OptModel(config, cfg, options, manager, Checkpoints.block(specs, arrays)), null, seed);
        });
    }
}
