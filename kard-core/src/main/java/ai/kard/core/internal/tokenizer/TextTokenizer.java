package ai.kard.core.internal.tokenizer;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.kard.core.internal.checkpoint.AtomicFiles;
import ai.kard.core.checkpoint.CheckpointException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Text to token ids and back, through DJL's HuggingFace tokenizers ({@code tokenizer.json}). Thread-safe.
 * Padding and truncation are the caller's business: this class never pads or truncates.
 */
public final class TextTokenizer implements AutoCloseable {
    /** The bundled general-English WordPiece vocabulary (bert-base-uncased, Apache-2.0) for from-scratch models. */
    public static final String BUNDLED_WORDPIECE = "bert-base-uncased-wordpiece.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HuggingFaceTokenizer tokenizer;
    private final byte[] definition;
    private final Map<String, Integer> vocabulary;
    private final int vocabSize;

    private TextTokenizer(byte[] definition, Path source) throws IOException {
        this.definition = definition;
        Map<String, String> options = Map.of("addSpecialTokens", "false", "truncation", "false",
                "padding", "false", "maxLength", "1000000");
        try (InputStream in = new java.io.ByteArrayInputStream(definition)) {
            this.tokenizer = HuggingFaceTokenizer.newInstance(in, options);
        } catch (RuntimeException e) {
            throw new CheckpointException(source, "cannot load tokenizer: " + e.getMessage(), e);
        }
        this.vocabulary = readVocabulary(JSON.readTree(definition));
        this.vocabSize = vocabulary.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
    }

    /** Loads {@code tokenizer.json} from a model folder (or the file itself). */
    public static TextTokenizer load(Path folderOrFile) throws IOException {
        Path file = Files.isDirectory(folderOrFile) ? folderOrFile.resolve("tokenizer.json") : folderOrFile;
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException(file, "no tokenizer.json (Kard reads HuggingFace fast-tokenizer files;"
                    + " save one with tokenizer.save_pretrained(dir) in Python)");
        }
        return new TextTokenizer(Files.readAllBytes(file), file);
    }

    /** The bundled bert-base-uncased WordPiece tokenizer (30522 ids; [PAD]=0, [UNK]=100, [SEP]=102). */
    public static TextTokenizer bundledWordPiece() throws IOException {
        try (InputStream in = TextTokenizer.class.getResourceAsStream(BUNDLED_WORDPIECE)) {
            if (in == null) {
                throw new IOException("bundled tokenizer " + BUNDLED_WORDPIECE + " missing from the classpath");
            }
            return new TextTokenizer(in.readAllBytes(), Path.of(BUNDLED_WORDPIECE));
        }
    }

    /** Token ids of {@code text}, without special tokens. */
    public int[] encode(String text) {
        return toInts(tokenizer.encode(text, false, false));
    }

    /** Token ids with the tokenizer's own special tokens (e.g. BERT's [CLS] ... [SEP]). */
    public int[] encodeWithSpecialTokens(String text) {
        return toInts(tokenizer.encode(text, true, false));
    }

    /** Token ids of many texts, without special tokens. */
    public List<int[]> encodeAll(List<String> texts) {
        Encoding[] encodings = tokenizer.batchEncode(texts, false, false);
        return java.util.Arrays.stream(encodings).map(TextTokenizer::toInts).toList();
    }

    /** Text of {@code ids}, special tokens skipped. */
    public String decode(int[] ids) {
        long[] longs = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            longs[i] = ids[i];
        }
        return tokenizer.decode(longs, true);
    }

    /** Word pieces of {@code text} as strings (for diagnostics and rare-word detection). */
    public List<String> pieces(String text) {
        return tokenizer.tokenize(text);
    }

    /** The id of a token in the vocabulary (including added tokens), if present. */
    public OptionalInt tokenId(String token) {
        Integer id = vocabulary.get(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** One more than the largest id. */
    public int vocabSize() {
        return vocabSize;
    }

    /** Writes {@code tokenizer.json} into {@code folder}, atomically. */
    public void save(Path folder) throws IOException {
        AtomicFiles.write(folder.resolve("tokenizer.json"), definition);
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    private static int[] toInts(Encoding encoding) {
        long[] ids = encoding.getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }

    private static Map<String, Integer> readVocabulary(JsonNode root) {
        Map<String, Integer> vocab = new HashMap<>();
        JsonNode model = root.path("model").path("vocab");
        if (model.isObject()) {
            model.fields().forEachRemaining(e -> vocab.put(e.getKey(), e.getValue().asInt()));
        } else if (model.isArray()) {
            // Unigram (T5 SentencePiece): a list of [piece, score]; the id is the position.
            for (int i = 0; i < model.size(); i++) {
                vocab.put(model.get(i).get(0).asText(), i);
            }
        }
        for (JsonNode added : root.path("added_tokens")) {
            vocab.put(added.path("content").asText(), added.path("id").asInt());
        }
        return vocab;
    }
}
