package ai.kard.core.distill;

import ai.kard.api.InvalidSettingException;

/**
 * The training settings a student reference brings along, used unless the caller overrides them. From-scratch
 * presets need far more epochs and a far higher learning rate than a pretrained checkpoint, and renaming
 * augmentation so that they learn to copy names out of the passage instead of memorising them.
 *
 * @param epochs            passes over the distillation examples
 * @param learningRate      peak AdamW learning rate
 * @param batchSize         examples per optimizer step
 * @param warmupFraction    fraction of steps with linear warmup (then linear decay); 0 = constant rate
 * @param renameProbability probability that an example's rare words are renamed in one epoch; 0 disables
 */
record TrainingDefaults(int epochs, double learningRate, int batchSize, double warmupFraction,
                               double renameProbability) {
    public TrainingDefaults {
        if (epochs <= 0) {
            throw new InvalidSettingException("epochs must be positive, got " + epochs);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new InvalidSettingException("learning rate must be positive and finite, got " + learningRate);
        }
        if (batchSize <= 0) {
            throw new InvalidSettingException("batch size must be positive, got " + batchSize);
        }
        if (!(warmupFraction >= 0 && warmupFraction < 1)) {
            throw new InvalidSettingException("warmup fraction must be in [0, 1), got " + warmupFraction);
        }
        if (!(renameProbability >= 0 && renameProbability <= 1)) {
            throw new InvalidSettingException("rename probability must be in [0, 1], got " + renameProbability);
        }
    }

    /** The paper's fine-tuning recipe for a pretrained student: 3 epochs, lr 1e-4, constant, no renaming. */
    public static TrainingDefaults pretrained() {
        return new TrainingDefaults(3, 1e-4, 8, 0.0, 0.0);
    }

    @Override
    public String toString() {
        return "TrainingDefaults(epochs=" + epochs + ", lr=" + learningRate + ", batch=" + batchSize
                + ", warmup=" + warmupFraction + ", rename=" + renameProbability + ")";
    }
}
