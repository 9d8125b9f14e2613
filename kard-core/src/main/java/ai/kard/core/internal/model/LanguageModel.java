package ai.kard.core.internal.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.kard.api.Decoding;
import ai.kard.core.internal.checkpoint.HfConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A student language model on token ids: encoder-decoder (T5) or decoder-only (Llama, Qwen2, OPT, GPT-2).
 * Text, prompts and tokenizers live above this interface; padding, masks and caches live below it.
 *
 * <p>Thread safety: {@link #loss} is for one training thread; {@link #generate} may be called from many
 * threads at once (each call scopes its own arrays).
 */
public interface LanguageModel extends AutoCloseable {

    /** The HF config this model was built from (written back by {@link #save}). */
    HfConfig config();

    /** True for encoder-decoder models (the prompt goes to the encoder). */
    boolean isEncoderDecoder();

    /** Holds every trainable parameter ({@code block().getParameters()}). */
    Block block();

    Device device();

    DataType dataType();

    int eosTokenId();

    int padTokenId();

    /**
     * Cross-entropy of {@code targets} given {@code prompts}, pooled over all target tokens of the batch (sum over
     * counted tokens / their number), as a scalar in {@code manager}. Prompts and targets are unpadded id
     * sequences; targets should end with {@link #eosTokenId()}. The model pads, masks and (for decoder-only
     * models) counts only target tokens. Without dropout (HF eval mode): validation, tests, parity checks.
     */
    default NDArray loss(NDManager manager, List<int[]> prompts, List<int[]> targets) {
        return loss(manager, prompts, targets, Dropout.OFF);
    }

    /**
     * As {@link #loss(NDManager, List, List)} with {@code dropout} applied where HF applies it: the training loss
     * with {@link Dropout#AS_CONFIGURED} (or an override), called inside a gradient collector. Masks come from the
     * engine's generator, which the trainer seeds per step; {@link Dropout#OFF} gives exactly the eval-mode loss.
     */
    NDArray loss(NDManager manager, List<int[]> prompts, List<int[]> targets, Dropout dropout);

    /**
     * Generates {@code samples} continuations per prompt with an incremental key/value cache. Result: per prompt,
     * per sample, the new token ids without the final eos. Greedy decoding returns identical samples; sampling
     * is seeded from {@code decoding.seed()} and reproducible.
     */
    List<List<int[]>> generate(List<int[]> prompts, Decoding decoding, int samples);

    /** Writes {@code config.json} and {@code model.safetensors} with HF tensor names into {@code folder}. */
    void save(Path folder) throws IOException;

    @Override
    void close();
}
