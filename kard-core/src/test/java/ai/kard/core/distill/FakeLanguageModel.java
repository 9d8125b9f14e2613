package ai.kard.core.distill;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.kard.api.Decoding;
import ai.kard.core.internal.checkpoint.HfConfig;
import ai.kard.core.internal.model.Dropout;
import ai.kard.core.internal.model.LanguageModel;
import ai.kard.core.internal.tokenizer.TextTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A stand-in student that "reads" its prompt: it answers with the option whose text occurs in the knowledge part
 * of the prompt, and with nothing useful when there is none. Greedy output is a pure function of the prompt;
 * sampled output depends on the seed.
 */
final class FakeLanguageModel implements LanguageModel {
    private final TextTokenizer tokenizer;

    FakeLanguageModel(TextTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    @Override
    public List<List<int[]>> generate(List<int[]> prompts, Decoding decoding, int samples) {
        List<List<int[]>> out = new ArrayList<>();
        Random random = new Random(decoding.seed());
        for (int[] prompt : prompts) {
            String text = tokenizer.decode(prompt);
            int k = text.indexOf("knowledge :");
            String knowledge = k < 0 ? "" : text.substring(k + "knowledge :".length(), text.indexOf("explanation :"));
            String options = k < 0 ? text : text.substring(0, k);
            String answer = "nothing";
            for (String word : knowledge.split("\\s+")) {
                if (word.length() > 3 && options.contains(" " + word)) {
                    answer = word;
                }
            }
            List<int[]> perPrompt = new ArrayList<>();
            for (int s = 0; s < samples; s++) {
                String said = decoding.sample() && random.nextInt(4) == 0 ? "nothing" : answer;
                perPrompt.add(tokenizer.encode("it must be " + said + ".\nAnswer: " + said));
            }
            out.add(perPrompt);
        }
        return out;
    }

    @Override
    public HfConfig config() {
        return HfConfig.of("model_type", "fake");
    }

    @Override
    public boolean isEncoderDecoder() {
        return true;
    }

    @Override
    public Block block() {
        throw new UnsupportedOperationException();
    }

    @Override
    public Device device() {
        return Device.cpu();
    }

    @Override
    public DataType dataType() {
        return DataType.FLOAT32;
    }

    @Override
    public int eosTokenId() {
        return 102;
    }

    @Override
    public int padTokenId() {
        return 0;
    }

    @Override
    public NDArray loss(NDManager manager, List<int[]> prompts, List<int[]> targets, Dropout dropout) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void save(Path folder) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
    }
}
