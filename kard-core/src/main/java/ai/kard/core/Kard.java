package ai.kard.core;

import ai.kard.core.distill.Distillation;
import ai.kard.core.distill.KardModel;

/**
 * The entry point: {@code Kard.student(ref)} starts a distillation recipe.
 *
 * <pre>{@code
 * KardModel model = Kard.student("scratch:t5-tiny")   // a preset, a HF folder or a hub id
 *         .withKnowledgeBase(kb).passages(1).epochs(12)
 *         .distillFrom(questions, rationales);
 * Prediction p = model.answer(question);
 * model.save(Path.of("my-student"));
 * }</pre>
 */
public final class Kard {
    /** The library version recorded in {@code kard.json}. */
    public static final String VERSION = "0.1.0-SNAPSHOT";

    private Kard() {
    }

    /**
     * A distillation recipe for the student {@code reference}: a from-scratch preset ({@code scratch:t5-tiny},
     * {@code scratch:t5-small}, decoder-only {@code scratch:llama-tiny}), a local HuggingFace folder (T5, Llama,
     * Qwen2, OPT, GPT-2) or a hub id in the local HuggingFace cache.
     *
     * @param reference a preset name, a model folder or a hub id
     * @return a recipe with the student's training defaults, to configure and run with {@code distillFrom}
     * @throws ai.kard.api.InvalidSettingException when the reference resolves to nothing, naming the accepted forms
     */
    public static Distillation student(String reference) {
        return Distillation.of(reference);
    }

    /**
     * A reranker training recipe (KARD's reranker, see the {@link ai.kard.core} overview) on an encoder:
     * {@code scratch:bert-tiny}, a local HF folder or a hub id;
     * {@code Kard.reranker(ref).withKnowledgeBase(kb).trainOn(questions, rationales)} returns the trained reranker.
     *
     * @param encoderReference a preset name, an encoder folder or a hub id
     * @return a recipe with the encoder's training defaults
     */
    public static ai.kard.core.rerank.RerankerTraining reranker(String encoderReference) {
        return ai.kard.core.rerank.RerankerTraining.of(encoderReference);
    }

    /**
     * Loads a student saved by {@link KardModel#save}.
     *
     * @param dir           the model folder
     * @param knowledgeBase the knowledge base it was trained with, or null for an RD student
     * @return the student on the CPU in float32, ready to answer; close it
     * @throws java.io.IOException a {@link ai.kard.api.InvalidInputException} naming the file when the folder is
     *         not a Kard model
     */
    public static KardModel load(java.nio.file.Path dir, ai.kard.api.KnowledgeBase knowledgeBase)
            throws java.io.IOException {
        return KardModel.load(dir, ai.kard.core.model.ModelOptions.cpu(), knowledgeBase, null);
    }
}
