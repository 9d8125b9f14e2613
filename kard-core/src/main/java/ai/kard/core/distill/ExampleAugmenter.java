package ai.kard.core.distill;

import java.util.Random;

/** Rewrites a training example afresh each epoch (renaming augmentation); must be a pure function of its inputs. */
@FunctionalInterface
public interface ExampleAugmenter {
    ExampleAugmenter NONE = (example, random) -> example;

    DistillationExample augment(DistillationExample example, Random random);
}
