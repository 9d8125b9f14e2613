package ai.kard.core.internal.model.bert;

import ai.kard.core.checkpoint.CheckpointException;
import ai.kard.core.internal.tokenizer.TextTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The tokenizer of a BERT folder: {@code tokenizer.json} when present; otherwise the WordPiece vocabulary
 * {@code vocab.txt} of older uploads (LinkBERT, PubMedBERT, ...) turned into the equivalent fast-tokenizer
 * definition (BERT normaliser, lower-casing from {@code tokenizer_config.json}'s {@code do_lower_case}, default
 * true as in HF's {@code BertTokenizer}).
 */
public final class BertTokenizers {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> SPECIALS = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]");

    private BertTokenizers() {
    }

    public static TextTokenizer load(Path folder) throws IOException {
        if (Files.isRegularFile(folder.resolve("tokenizer.json"))) {
            return TextTokenizer.load(folder);
        }
        Path vocab = folder.resolve("vocab.txt");
        if (!Files.isRegularFile(vocab)) {
            throw new CheckpointException(folder, "no tokenizer.json or vocab.txt: cannot tokenize for this encoder");
        }
        boolean lowercase = true;
        Path config = folder.resolve("tokenizer_config.json");
        if (Files.isRegularFile(config)) {
            JsonNode lower = JSON.readTree(config.toFile()).get("do_lower_case");
            lowercase = lower == null || !lower.isBoolean() || lower.booleanValue();
        }
        byte[] definition = wordPieceDefinition(Files.readAllLines(vocab, StandardCharsets.UTF_8), lowercase, vocab);
        Path temp = Files.createTempFile("kard-tokenizer-", ".json");
        try {
            Files.write(temp, definition);
            return TextTokenizer.load(temp);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** A {@code tokenizer.json} for BERT WordPiece with this vocabulary (one token per line, id = line number). */
    static byte[] wordPieceDefinition(List<String> lines, boolean lowercase, Path source) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ObjectNode vocab = JSON.createObjectNode();
        for (int id = 0; id < lines.size(); id++) {
            String token = lines.get(id).strip();
            if (!token.isEmpty() && !vocab.has(token)) {
                vocab.put(token, id);
            }
        }
        for (String required : List.of("[UNK]", "[CLS]", "[SEP]")) {
            if (!vocab.has(required)) {
                throw new CheckpointException(source, "vocabulary has no " + required + " token");
            }
        }
        ArrayNode added = root.putArray("added_tokens");
        for (String special : SPECIALS) {
            if (vocab.has(special)) {
                added.addObject().put("id", vocab.get(special).intValue()).put("content", special)
                        .put("single_word", false).put("lstrip", false).put("rstrip", false)
                        .put("normalized", false).put("special", true);
            }
        }
        ObjectNode normalizer = root.putObject("normalizer");
        normalizer.put("type", "BertNormalizer").put("clean_text", true).put("handle_chinese_chars", true)
                .putNull("strip_accents");
        normalizer.put("lowercase", lowercase);
        root.putObject("pre_tokenizer").put("type", "BertPreTokenizer");
        ObjectNode post = root.putObject("post_processor");
        post.put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", "[CLS]").put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        single.addObject().putObject("SpecialToken").put("id", "[SEP]").put("type_id", 0);
        ArrayNode pair = post.putArray("pair");
        pair.addAll(single.deepCopy());
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
        pair.addObject().putObject("SpecialToken").put("id", "[SEP]").put("type_id", 1);
        ObjectNode specials = post.putObject("special_tokens");
        for (String token : List.of("[CLS]", "[SEP]")) {
            ObjectNode entry = specials.putObject(token);
            entry.put("id", token);
            entry.putArray("ids").add(vocab.get(token).intValue());
            entry.putArray("tokens").add(token);
        }
        root.putObject("decoder").put("type", "WordPiece").put("prefix", "##").put("cleanup", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "WordPiece").put("unk_token", "[UNK]").put("continuing_subword_prefix", "##")
                .put("max_input_chars_per_word", 100);
        model.set("vocab", vocab);
        return JSON.writeValueAsBytes(root);
    }
}
