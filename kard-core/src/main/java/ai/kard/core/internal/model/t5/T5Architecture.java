package ai.kard.core.internal.model.t5;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.kard.core.checkpoint.CheckpointException;
import ai.kard.core.internal.checkpoint.HfConfig;
import ai.kard.core.internal.checkpoint.SafetensorsStore;
import ai.kard.core.internal.checkpoint.WeightLoader;
import ai.kard.core.internal.model.Architecture;
import ai.kard.core.internal.model.LanguageModel;
import ai.kard.core.model.ModelOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code model_type: "t5"}: T5, T5 v1.1, Flan-T5 ({@code T5ForConditionalGeneration} checkpoints). */
public final class T5Architecture implements Architecture {
    private static final Logger LOG = LoggerFactory.getLogger(T5Architecture.class);

    @Override
    public LanguageModel load(Path folder, HfConfig config, ModelOptions options) throws IOException {
        T5Config t5 = T5Config.from(config);
        checkOptions(options);
        SafetensorsStore store = SafetensorsStore.open(folder);
        WeightLoader loader = new WeightLoader();
        T5Parameters.expectedShapes(t5).forEach(loader::expect);
        // Some exports repeat the shared embedding under the stacks' names; a tied one may carry lm_head too.
        loader.alias(T5Parameters.SHARED, "encoder.embed_tokens.weight")
                .alias(T5Parameters.SHARED, "decoder.embed_tokens.weight");
        if (t5.tiedEmbeddings()) {
            loader.ignore(name -> name.equals(T5Parameters.LM_HEAD));
        }
        NDManager manager = NDManager.newBaseManager(options.device());
        T5Model model;
        try {
            Map<String, NDArray> arrays = loader.load(store, folder, manager, options.dataType());
            LOG.info("T5 {} loaded from {} on {} as {}", t5, folder, options.device(), options.dataType());
            model = new T5Model(t5, config, manager, arrays, options.dataType());
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
        return T5CopyModel.withCopyHeadIfWanted(model, folder, 0);
    }

    @Override
    public LanguageModel create(HfConfig config, long seed, ModelOptions options) throws IOException {
        T5Config t5 = T5Config.from(config);
        checkOptions(options);
        NDManager manager = NDManager.newBaseManager(options.device());
        T5Model model;
        try {
            Map<String, NDArray> arrays = T5Init.create(t5, embeddingInitStd(config), localPositions(config), seed,
                    manager, options.dataType());
            LOG.info("T5 {} initialised with seed {} on {} as {}", t5, seed, options.device(), options.dataType());
            model = new T5Model(t5, config, manager, arrays, options.dataType());
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        return T5CopyModel.withCopyHeadIfWanted(model, null, seed);
    }

    /** {@value T5Init#EMBEDDING_STD_KEY} when config.json sets it (positive), else NaN: HF's initialisation. */
    private static double embeddingInitStd(HfConfig config) throws CheckpointException {
        if (!config.has(T5Init.EMBEDDING_STD_KEY)) {
            return Double.NaN;
        }
        double std = config.getDouble(T5Init.EMBEDDING_STD_KEY, Double.NaN);
        if (!(std > 0) || Double.isInfinite(std)) {
            throw new CheckpointException(config.source() == null ? Path.of("config.json") : config.source(),
                    T5Init.EMBEDDING_STD_KEY + " must be a positive number, got "
                            + config.json().get(T5Init.EMBEDDING_STD_KEY));
        }
        return std;
    }

    /** True when config.json asks for {@link T5Init#localBias} ({@value T5Init#POSITION_INIT_KEY}: "local"). */
    private static boolean localPositions(HfConfig config) throws CheckpointException {
        if (!config.has(T5Init.POSITION_INIT_KEY)) {
            return false;
        }
        String value = config.json().path(T5Init.POSITION_INIT_KEY).asText("");
        return switch (value) {
            case "local" -> true;
            case "hf" -> false;
            default -> throw new CheckpointException(config.source() == null ? Path.of("config.json")
                    : config.source(), T5Init.POSITION_INIT_KEY + " must be \"hf\" or \"local\", got "
                    + config.json().get(T5Init.POSITION_INIT_KEY));
        };
    }

    private static void checkOptions(ModelOptions options) {
        if (options.dataType() == DataType.FLOAT16) {
            throw new IllegalArgumentException("T5 does not run in float16 (its activations overflow, as in HF);"
                    + " use float32, or bfloat16 on a GPU");
        }
    }

    @Override
    public java.util.Map<String, HfConfig> presets() {
        return T5Presets.all();
    }
}
