package ai.kard.core.internal.model;

import ai.djl.ndarray.NDArray;
import ai.kard.api.InvalidSettingException;
import ai.kard.core.internal.checkpoint.HfConfig;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * How a forward pass treats dropout: HF's {@code model.train()} / {@code model.eval()} as an explicit argument
 * instead of a mode stored in the model, so one model can train on one thread while others generate from it.
 *
 * <ul>
 *   <li>{@link #OFF}: no dropout (inference, generation, validation; HF eval mode).</li>
 *   <li>{@link #AS_CONFIGURED}: training with the probabilities of the model's {@code config.json}
 *       (T5 {@code dropout_rate}, BERT {@code hidden_dropout_prob} / {@code attention_probs_dropout_prob}, ...).</li>
 *   <li>{@link #everywhere(double)}: training with every dropout probability of the architecture replaced by one
 *       value (a per-run override, as HF's {@code from_pretrained(..., dropout_rate=p)}); 0 trains without
 *       dropout.</li>
 * </ul>
 *
 * <p>Masks come from the engine's random generator (PyTorch's default generator): the trainer reseeds it from
 * (seed, step) before each optimizer step, so masks are reproducible and a resumed run draws the same ones. A
 * probability of 0 leaves the activation untouched (the same array, no random draw).
 */
public final class Dropout {
    /** No dropout anywhere. */
    public static final Dropout OFF = new Dropout(false, Double.NaN);
    /** Training with the config's probabilities. */
    public static final Dropout AS_CONFIGURED = new Dropout(true, Double.NaN);

    private final boolean training;
    /** NaN: use the configured probability. */
    private final double override;

    private Dropout(boolean training, double override) {
        this.training = training;
        this.override = override;
    }

    /**
     * Training with {@code probability} at every place the architecture applies dropout.
     *
     * @throws IllegalArgumentException unless {@code 0 <= probability < 1}
     */
    public static Dropout everywhere(double probability) {
        return new Dropout(true, check(probability, "dropout override"));
    }

    /** True in training (dropout may be active); false for {@link #OFF}. */
    public boolean training() {
        return training;
    }

    /** The probability used where the config says {@code configured}: 0 when off, the override when given. */
    public double probability(double configured) {
        if (!training) {
            return 0;
        }
        return Double.isNaN(override) ? configured : override;
    }

    /**
     * {@code x} with each element zeroed with the resolved probability and the rest scaled by {@code 1 / (1 - p)}
     * (inverted dropout, {@code torch.nn.functional.dropout}); {@code x} itself when that probability is 0. The
     * result joins {@code x}'s manager.
     */
    public NDArray apply(NDArray x, double configured) {
        double p = probability(configured);
        if (p == 0) {
            return x;
        }
        return ai.djl.nn.norm.Dropout.dropout(x, (float) p, true).singletonOrThrow();
    }

    /**
     * Validates a probability read from a config or given by a user: {@code 0 <= p < 1}.
     *
     * @param what names the key or option in the message
     */
    public static double check(double probability, String what) {
        if (!(probability >= 0 && probability < 1)) {
            throw new InvalidSettingException(what + " is " + probability + ": a dropout probability must be in"
                    + " [0, 1)");
        }
        return probability;
    }

    /**
     * The dropout probability under {@code key} in {@code config}, {@code hfDefault} (the default of HF's config
     * class) when the key is absent or null.
     *
     * @throws IllegalArgumentException naming the file and key when the value is not a number in [0, 1)
     */
    public static double configured(HfConfig config, String key, double hfDefault) {
        JsonNode value = config.json().get(key);
        String where = (config.source() == null ? "config" : config.source().toString()) + ": " + key;
        if (value == null || value.isNull()) {
            return hfDefault;
        }
        if (!value.isNumber()) {
            throw new InvalidSettingException(where + " is " + value + ": expected a number in [0, 1)");
        }
        return check(value.doubleValue(), where);
    }

    @Override
    public String toString() {
        if (!training) {
            return "Dropout(off)";
        }
        return Double.isNaN(override) ? "Dropout(as configured)" : "Dropout(p=" + override + " everywhere)";
    }
}
