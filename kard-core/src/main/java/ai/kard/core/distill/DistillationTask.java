package ai.kard.core.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.kard.core.internal.model.Dropout;
import ai.kard.core.internal.model.LanguageModel;
import ai.kard.core.internal.tokenizer.TextTokenizer;
import ai.kard.core.internal.train.BatchSource;
import ai.kard.core.internal.train.TokenCounted;
import ai.kard.core.internal.train.TrainingTask;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;

/**
 * Reasoning distillation as a {@link TrainingTask}: the pooled cross-entropy of the target (rationale + answer
 * line + eos) given the prompt (KARD's student objective). Prompts and targets are tokenized once and cached; an
 * example that the augmenter rewrites (renaming) is tokenized afresh at each visit, with randomness drawn from
 * (seed, epoch, example) so every epoch sees other names.
 *
 * <p>The task holds no state that changes during training: the augmentation of an example depends only on the
 * seed, the example and the epoch the trainer hands over through {@link #trainingSource}, so a run resumed from a
 * checkpoint (in a new process) draws exactly what the uninterrupted run drew.
 *
 * <p>Batches group examples of similar length ({@link LengthBuckets}); the trainer shuffles their order.
 */
final class DistillationTask implements TrainingTask<DistillationTask.Batch> {
    /**
     * Example indices of one batch; {@code augment} is false for validation batches; {@code epoch} (0-based) seeds
     * the augmentation of training batches.
     */
    public record Batch(int[] examples, boolean augment, long tokenCount, int epoch) implements TokenCounted {
        /** The same examples as visited in {@code epoch}. */
        public Batch inEpoch(int epoch) {
            return epoch == this.epoch ? this : new Batch(examples, augment, tokenCount, epoch);
        }
    }

    private final LanguageModel model;
    private final TextTokenizer tokenizer;
    private final PromptFormat prompt;
    private final List<DistillationExample> examples;
    private final ExampleAugmenter augmenter;
    private final long seed;
    private final int[][] prompts;
    private final int[][] targets;
    private final Dropout dropout;

    /** Trains with the dropout of the model's config. */
    public DistillationTask(LanguageModel model, TextTokenizer tokenizer, PromptFormat prompt,
                            List<DistillationExample> examples, ExampleAugmenter augmenter, long seed) {
        this(model, tokenizer, prompt, examples, augmenter, seed, Dropout.AS_CONFIGURED);
    }

    /** {@code dropout}: the training loss's (validation always runs without). */
    public DistillationTask(LanguageModel model, TextTokenizer tokenizer, PromptFormat prompt,
                            List<DistillationExample> examples, ExampleAugmenter augmenter, long seed,
                            Dropout dropout) {
        this.dropout = Objects.requireNonNull(dropout, "dropout");
        this.model = Objects.requireNonNull(model, "model");
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.prompt = Objects.requireNonNull(prompt, "prompt");
        this.examples = List.copyOf(examples);
        if (this.examples.isEmpty()) {
            throw new IllegalArgumentException("no distillation examples");
        }
        this.augmenter = augmenter == null ? ExampleAugmenter.NONE : augmenter;
        this.seed = seed;
        this.prompts = new int[this.examples.size()][];
        this.targets = new int[this.examples.size()][];
        for (int i = 0; i < prompts.length; i++) {
            prompts[i] = encodePrompt(this.examples.get(i));
            targets[i] = encodeTarget(this.examples.get(i));
        }
    }

    /** The model's training batches (as visited in epoch 0): similar lengths together, seeded. */
    public List<Batch> trainingBatches(int batchSize) {
        return batches(batchSize, true);
    }

    /**
     * The training batches as the {@link ai.kard.core.internal.train.Trainer} reads them: the trainer passes the epoch of
     * each visit, and the batch carries it to {@link #loss} so augmentation is a function of (seed, epoch, example)
     * that a resumed run recomputes instead of a counter it would have lost.
     */
    public BatchSource<Batch> trainingSource(int batchSize) {
        List<Batch> batches = trainingBatches(batchSize);
        return new BatchSource<>() {
            @Override
            public int size() {
                return batches.size();
            }

            @Override
            public Batch batch(int index) {
                return batches.get(index);
            }

            @Override
            public Batch batch(int index, int epoch) {
                return batches.get(index).inEpoch(epoch);
            }
        };
    }

    /** Batches for the validation loss (never augmented). */
    public List<Batch> validationBatches(int batchSize) {
        return batches(batchSize, false);
    }

    private List<Batch> batches(int batchSize, boolean augment) {
        int[] lengths = new int[prompts.length];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = prompts[i].length + targets[i].length;
        }
        List<Batch> out = new ArrayList<>();
        for (int[] indices : LengthBuckets.batches(lengths, batchSize, seed, 0)) {
            long tokens = Arrays.stream(indices).mapToLong(i -> lengths[i]).sum();
            out.add(new Batch(indices, augment, tokens, 0));
        }
        return out;
    }

    /** Number of examples. */
    public int size() {
        return examples.size();
    }

    /** Prompt plus target tokens over all examples (one epoch, before augmentation). */
    public long tokensPerEpoch() {
        long total = 0;
        for (int i = 0; i < prompts.length; i++) {
            total += prompts[i].length + targets[i].length;
        }
        return total;
    }

    /** The longest target in tokens, eos included. */
    public int maxTargetTokens() {
        return Arrays.stream(targets).mapToInt(t -> t.length).max().orElse(1);
    }

    @Override
    public Block block() {
        return model.block();
    }

    @Override
    public NDArray loss(NDManager stepManager, Batch batch) {
        return loss(stepManager, batch, dropout);
    }

    /** The loss without dropout (HF eval mode), as validation should be. */
    @Override
    public NDArray validationLoss(NDManager manager, Batch batch) {
        return loss(manager, batch, Dropout.OFF);
    }

    private NDArray loss(NDManager stepManager, Batch batch, Dropout dropout) {
        List<int[]> batchPrompts = new ArrayList<>(batch.examples().length);
        List<int[]> batchTargets = new ArrayList<>(batch.examples().length);
        for (int i : batch.examples()) {
            DistillationExample example = examples.get(i);
            DistillationExample augmented = example;
            if (batch.augment()) {
                augmented = augmenter.augment(example, augmentationRandom(i, batch.epoch()));
            }
            if (augmented == example) {
                batchPrompts.add(prompts[i]);
                batchTargets.add(targets[i]);
            } else {
                batchPrompts.add(encodePrompt(augmented));
                batchTargets.add(encodeTarget(augmented));
            }
        }
        return model.loss(stepManager, batchPrompts, batchTargets, dropout);
    }

    /**
     * The generator of example {@code example}'s augmentation in {@code epoch}. Same formula as the per-example
     * visit counter it replaces (in an uninterrupted run the visit number was the epoch), so uninterrupted runs
     * draw what they drew before; distinct for every (example, epoch) while epochs stay below 7919.
     */
    Random augmentationRandom(int example, int epoch) {
        return new Random(seed * 1_000_003L + example * 7919L + epoch);
    }

    private int[] encodePrompt(DistillationExample example) {
        return PromptIds.forModel(model, prompt.encode(tokenizer, example.input()));
    }

    private int[] encodeTarget(DistillationExample example) {
        int[] ids = tokenizer.encode(example.target());
        int[] withEos = Arrays.copyOf(ids, ids.length + 1);
        withEos[ids.length] = model.eosTokenId();
        return withEos;
    }
}
