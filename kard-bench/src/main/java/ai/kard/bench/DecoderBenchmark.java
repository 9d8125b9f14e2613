package ai.kard.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import ai.kard.api.Decoding;
import ai.kard.core.internal.checkpoint.HfConfig;
import ai.kard.core.internal.model.registry.ArchitectureRegistry;
import ai.kard.core.model.ModelOptions;
import ai.kard.core.internal.model.common.CausalLanguageModel;
import ai.kard.core.internal.model.common.DecodeOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Decoder-only student throughput on a Qwen2.5-0.5B-sized config with random weights (hidden 896, 14 query / 2 KV
 * heads, intermediate 4864, vocab 151936, tied head): one training step (forward + backward + plain in-place SGD)
 * at batch 4 x 320 tokens and its fraction of the fp32 matmul ceiling measured in the same run, and greedy
 * generation of 128 new tokens with and without the key/value cache.
 *
 * <p>{@code ./bench DecoderBenchmark [--layers 24] [--steps 2] [--prompt 224] [--target 96]}
 */
public final class DecoderBenchmark {
    private static final int BATCH = 4;
    private static final int HIDDEN = 896;
    private static final int HEADS = 14;
    private static final int KV_HEADS = 2;
    private static final int INTERMEDIATE = 4864;
    private static final int VOCAB = 151936;

    private DecoderBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int layers = intArg(args, "--layers", 2);
        int steps = intArg(args, "--steps", 2);
        int promptLength = intArg(args, "--prompt", 224);
        int targetLength = intArg(args, "--target", 96);
        int newTokens = intArg(args, "--new-tokens", 128);
        int genPrompt = intArg(args, "--gen-prompt", 32);

        double ceiling = matmulGflops(1024, 10);
        HfConfig config = HfConfig.of("architectures", List.of("Qwen2ForCausalLM"), "model_type", "qwen2",
                "vocab_size", VOCAB, "hidden_size", HIDDEN, "intermediate_size", INTERMEDIATE,
                "num_hidden_layers", layers, "num_attention_heads", HEADS, "num_key_value_heads", KV_HEADS,
                "rope_theta", 1000000.0, "rms_norm_eps", 1e-6, "tie_word_embeddings", true,
                "bos_token_id", 151643, "eos_token_id", 151645, "max_position_embeddings", 32768);
        List<String> rows = new ArrayList<>();
        try (CausalLanguageModel model = (CausalLanguageModel) ArchitectureRegistry.create(config, 1,
                ModelOptions.cpu())) {
            long parameters = 0;
            List<Parameter> trainable = new ArrayList<>();
            for (Pair<String, Parameter> p : model.block().getParameters()) {
                parameters += p.getValue().getArray().size();
                trainable.add(p.getValue());
            }
            Random random = new Random(3);
            List<int[]> prompts = new ArrayList<>();
            List<int[]> targets = new ArrayList<>();
            for (int b = 0; b < BATCH; b++) {
                prompts.add(randomIds(random, promptLength));
                int[] target = randomIds(random, targetLength);
                target[targetLength - 1] = model.eosTokenId();
                targets.add(target);
            }
            for (Parameter p : trainable) {
                p.getArray().setRequiresGradient(true);
            }
            double stepSeconds = Double.MAX_VALUE;
            double stepCpu = 0;
            for (int step = 0; step <= steps; step++) {
                long start = System.nanoTime();
                double cpuStart = cpuSeconds();
                try (NDManager scope = model.manager().newSubManager()) {
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray loss = model.loss(scope, prompts, targets);
                        collector.backward(loss);
                    }
                    for (Parameter p : trainable) {
                        NDArray array = p.getArray();
                        NDArray gradient = array.getGradient();
                        array.subi(gradient.mul(1e-4f));
                        gradient.close();
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                System.err.printf(Locale.ROOT, "train step %d: %.2f s%n", step, seconds);
                if (step > 0 && seconds < stepSeconds) {
                    stepSeconds = seconds;
                    stepCpu = cpuSeconds() - cpuStart;
                }
            }
            for (Parameter p : trainable) {
                p.getArray().setRequiresGradient(false);
            }
            int tokens = BATCH * (promptLength + targetLength);
            double flops = 3 * trainingForwardFlops(layers, promptLength + targetLength, BATCH * targetLength);
            double achieved = flops / stepSeconds / 1e9;
            rows.add(String.format(Locale.ROOT, "| train step (fwd+bwd+SGD), %d x %d tokens | %.0f tokens/s | %.2f s/step"
                    + " | %.0f | %.1f GFLOP/s = %.0f%% of matmul ceiling |", BATCH, promptLength + targetLength,
                    tokens / stepSeconds, stepSeconds, stepCpu, achieved, 100 * achieved / ceiling));

            List<int[]> genPrompts = List.of(randomIds(random, genPrompt));
            Decoding greedy = Decoding.greedy(newTokens);
            model.generate(genPrompts, Decoding.greedy(4), 1); // warm-up
            for (boolean cache : new boolean[] {true, false}) {
                long start = System.nanoTime();
                double cpuStart = cpuSeconds();
                List<List<int[]>> out = model.generate(genPrompts, greedy, 1, DecodeOptions.defaults().withCache(cache));
                double seconds = (System.nanoTime() - start) / 1e9;
                double cpu = cpuSeconds() - cpuStart;
                int generated = out.get(0).get(0).length;
                rows.add(String.format(Locale.ROOT, "| generate %s cache, batch 1, prompt %d, %d new tokens | %.1f tokens/s"
                        + " | %.2f s | %.0f | |", cache ? "with" : "without", genPrompt, generated, generated / seconds,
                        seconds, cpu));
            }
            System.out.printf(Locale.ROOT, "%nDecoderBenchmark: Qwen2.5-0.5B-sized qwen2, %d of 24 layers, %,d parameters"
                    + " (random, fp32, CPU, %d torch threads)%n", layers, parameters,
                    Runtime.getRuntime().availableProcessors());
            System.out.printf(Locale.ROOT, "fp32 matmul ceiling (DJL 1024x1024x1024): %.1f GFLOP/s%n%n", ceiling);
            System.out.printf(Locale.ROOT, "load average at the end: %.1f on %d cores%n%n",
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                    Runtime.getRuntime().availableProcessors());
            System.out.println("| measurement | throughput (wall) | wall time | process CPU s | compute |");
            System.out.println("| --- | --- | --- | --- | --- |");
            rows.forEach(System.out::println);
        }
    }

    /** Forward matmul FLOPs of one training batch: projections and attention on every token, LM head on targets. */
    static double trainingForwardFlops(int layers, int length, int countedTokens) {
        double headDim = (double) HIDDEN / HEADS;
        double perTokenLayer = 2.0 * (HIDDEN * HIDDEN * 2 + 2.0 * HIDDEN * KV_HEADS * headDim
                + 3.0 * HIDDEN * INTERMEDIATE) + 4.0 * length * HIDDEN;
        return BATCH * (double) length * layers * perTokenLayer + 2.0 * countedTokens * HIDDEN * VOCAB;
    }

    static double matmulGflops(int n, int reps) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = manager.randomUniform(-1, 1, new Shape(n, n));
            NDArray b = manager.randomUniform(-1, 1, new Shape(n, n));
            a.matMul(b).close();
            double best = Double.MAX_VALUE;
            for (int i = 0; i < reps; i++) {
                long start = System.nanoTime();
                NDArray c = a.matMul(b);
                c.getFloat(0, 0); // forces completion
                best = Math.min(best, (System.nanoTime() - start) / 1e9);
                c.close();
            }
            return 2.0 * n * n * n / best / 1e9;
        }
    }

    /** CPU seconds of this process (all threads, PyTorch's included): shows how much of the wall time ran. */
    private static double cpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    private static int[] randomIds(Random random, int length) {
        int[] ids = new int[length];
        for (int i = 0; i < length; i++) {
            ids[i] = random.nextInt(VOCAB - 1000);
        }
        return ids;
    }

    private static int intArg(String[] args, String name, int defaultValue) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                try {
                    return Integer.parseInt(args[i + 1]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(name + " expects an integer, got " + args[i + 1]);
                }
            }
        }
        return defaultValue;
    }
}
