package ai.kard.core.distill;

import java.util.Random;

/** Rewrites a training example afresh at each visit (renaming augmentation); a pure function of its inputs. */
@FunctionalInterface
interface ExampleAugmenter {
    ExampleAugmenter NONE = (example, random) -> example;

    DistillationExample augment(DistillationExample example, Random random);

    /** Renaming augmentation with {@code renamer}; an example without renames is returned as is. */
    static ExampleAugmenter renaming(RareWordRenamer renamer) {
        return (example, random) -> {
            RareWordRenamer.Renamed renamed = renamer.apply(example.input(), example.target(), random);
            return renamed.renames().isEmpty() ? example
                    : new DistillationExample(example.questionId(), renamed.input(), example.passageIds(),
                    renamed.target());
        };
    }
}
