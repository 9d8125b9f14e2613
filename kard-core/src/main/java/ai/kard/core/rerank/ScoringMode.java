package ai.kard.core.rerank;

import ai.kard.api.InvalidSettingException;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How a reranker compares a question with a passage, recorded in {@code reranker.json} ({@code "mode"}).
 * <ul>
 *   <li>{@link #LATE_INTERACTION}: ColBERT's MaxSim over the projected token vectors of both sides (the default,
 *       and the mode of every folder written before the field existed);</li>
 *   <li>{@link #BI_ENCODER}: one vector per side, the masked mean of the projected token vectors, L2-normalised;
 *       the score is their dot product (cosine), as sentence-transformers encoders are trained. Passage vectors
 *       are independent of the question, so a whole corpus can be searched densely.</li>
 * </ul>
 */
public enum ScoringMode {
    /** ColBERT-style MaxSim over projected token vectors. */
    LATE_INTERACTION("late_interaction", "late"),
    /** One mean-pooled vector per text, cosine similarity. */
    BI_ENCODER("bi_encoder", "bi");

    private final String jsonName;
    private final String shortName;

    ScoringMode(String jsonName, String shortName) {
        this.jsonName = jsonName;
        this.shortName = shortName;
    }

    /**
     * The name in {@code reranker.json}.
     *
     * @return the name
     */
    @JsonValue
    public String jsonName() {
        return jsonName;
    }

    /**
     * The command-line name: {@code late} or {@code bi}.
     *
     * @return the name
     */
    public String shortName() {
        return shortName;
    }

    /**
     * {@code late} / {@code late_interaction} or {@code bi} / {@code bi_encoder} (any case); null gives the default.
     *
     * @param text the name
     * @return the mode
     */
    @JsonCreator
    public static ScoringMode parse(String text) {
        if (text == null) {
            return LATE_INTERACTION;
        }
        String name = text.trim().toLowerCase(Locale.ROOT);
        for (ScoringMode mode : values()) {
            if (mode.jsonName.equals(name) || mode.shortName.equals(name)) {
                return mode;
            }
        }
        throw new InvalidSettingException("scoring mode '" + text + "': expected late or bi");
    }

    @Override
    public String toString() {
        return jsonName;
    }
}
