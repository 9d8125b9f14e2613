package ai.kard.core.internal.model.common;

import ai.kard.core.checkpoint.CheckpointException;
import ai.kard.core.internal.checkpoint.HfConfig;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Small config.json helpers the decoder architectures share. */
public final class ConfigSupport {
    private ConfigSupport() {
    }

    /** {@code eos_token_id} as a list: HF allows one id or a list (Llama 3 lists several). Empty when absent. */
    public static List<Integer> tokenIds(HfConfig config, String key) throws CheckpointException {
        JsonNode node = config.json().get(key);
        List<Integer> ids = new ArrayList<>();
        if (node == null || node.isNull()) {
            return ids;
        }
        if (node.isArray()) {
            for (JsonNode id : node) {
                if (!id.isIntegralNumber()) {
                    throw error(config, key, "expected integer ids, found " + node);
                }
                ids.add(id.intValue());
            }
        } else if (node.isIntegralNumber()) {
            ids.add(node.intValue());
        } else {
            throw error(config, key, "expected an integer or a list of integers, found " + node);
        }
        return ids;
    }

    /** An error naming config.json and the key. */
    public static CheckpointException error(HfConfig config, String key, String problem) {
        return new CheckpointException(config.source() == null ? Path.of("config.json") : config.source(),
                "key \"" + key + "\": " + problem);
    }

    /** Requires {@code value > 0}. */
    public static int positive(HfConfig config, String key, int value) throws CheckpointException {
        if (value <= 0) {
            throw error(config, key, "must be positive, got " + value);
        }
        return value;
    }
}
