package ai.kard.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.kard.api.Decoding;
import ai.kard.core.internal.checkpoint.HfConfig;
import ai.kard.core.internal.model.registry.ArchitectureRegistry;
import ai.kard.core.model.ModelOptions;
import ai.kard.core.internal.model.t5.T5Config;
import ai.kard.core.internal.model.t5.T5Generator;
import ai.kard.core.internal.model.t5.T5Model;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * T5 speed on this machine, in one run: the fp32 matmul ceiling through DJL, a t5-small-sized training step
 * (forward + backward + DJL's AdamW) at batch 8 with 256 input / 64 target tokens, and greedy generation of 128
 * new tokens at batch 1 and 8 with and without the KV cache. Prints a table.
 *
 * <p>{@code ./bench T5Benchmark [--train-steps N] [--uncached-tokens N] [--threads N] [--profile] [--batch1]}:
 * {@code --batch1} measures only batch-1 cached greedy generation (median of 3 runs, with this process's CPU time
 * per token, so a figure from a loaded machine can be read as cores used);
 * {@code --profile} also records one training step with the PyTorch profiler and prints the ops that take the time
 * (always done when the 40% target is missed); {@code --uncached-tokens} shortens only the uncached runs (their
 * speedup is then a lower bound); {@code --threads} sets PyTorch's intra-op threads.
 *
 * <p>On cores shared with other processes run it as {@code OMP_WAIT_POLICY=PASSIVE ./bench T5Benchmark}: with
 * OpenMP's default spin-waiting, every small op waits for a descheduled worker thread, which made batch-1 decoding
 * 15x slower on a loaded 2-core machine.
 */
public final class T5Benchmark {
    private static final int BATCH = 8;
    private static final int SOURCE = 256;
    private static final int TARGET = 64;
    private static final int NEW_TOKENS = 128;
    private final List<String[]> rows = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        int trainSteps = 2;
        int uncachedTokens = NEW_TOKENS;
        boolean profile = false;
        int threads = 0;
        boolean batch1Only = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--train-steps" -> trainSteps = Integer.parseInt(args[++i]);
                case "--profile" -> profile = true;
                case "--uncached-tokens" -> uncachedTokens = Integer.parseInt(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--batch1" -> batch1Only = true;
                default -> {
                    System.err.println("usage: ./bench T5Benchmark [--train-steps N] [--uncached-tokens N]"
                            + " [--threads N] [--profile] [--batch1]");
                    System.exit(2);
                }
            }
        }
        Engine.getInstance(); // loads PyTorch, which sets its default thread count
        if (threads > 0) {
            JniUtils.setNumThreads(threads);
        }
        if (batch1Only) {
            new T5Benchmark().runBatch1(profile);
        } else {
            new T5Benchmark().run(trainSteps, uncachedTokens, profile);
        }
    }

    private static void header() {
        Engine engine = Engine.getInstance();
        System.out.printf(Locale.ROOT, "T5Benchmark: %s %s, %d CPU cores, PyTorch intra-op threads %d,"
                        + " OMP_WAIT_POLICY=%s, load average %.1f, GPU count %d%n", engine.getEngineName(),
                engine.getVersion(), Runtime.getRuntime().availableProcessors(), JniUtils.getNumThreads(),
                System.getenv().getOrDefault("OMP_WAIT_POLICY", "(unset)"),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), engine.getGpuCount());
    }

    /** The t5-small-sized model every measurement uses (random weights, seed 1). */
    private static T5Model smallModel() throws java.io.IOException {
        HfConfig hf = HfConfig.of("model_type", "t5", "vocab_size", 32128, "d_model", 512, "d_kv", 64,
                "d_ff", 2048, "num_heads", 8, "num_layers", 6, "feed_forward_proj", "relu");
        return (T5Model) ArchitectureRegistry.create(hf, 1, ModelOptions.cpu());
    }

    /**
     * Batch-1 cached greedy generation only: {@value #NEW_TOKENS} new tokens from a {@value #SOURCE}-token prompt,
     * three runs after a warm-up, median tokens/s with this process's CPU seconds per token (cores used = CPU
     * seconds / wall seconds; on a loaded machine wall-clock tokens/s understates a quiet machine's).
     */
    private void runBatch1(boolean profile) throws Exception {
        header();
        try (T5Model model = smallModel()) {
            List<int[]> prompt = tokens(new Random(5), 1, SOURCE);
            model.generate(prompt, Decoding.greedy(NEW_TOKENS), 1, true, false); // warm-up
            double[][] runs = new double[3][];
            for (int i = 0; i < runs.length; i++) {
                long start = System.nanoTime();
                long cpuStart = cpuNanos();
                T5Generator.Result result = model.generate(prompt, Decoding.greedy(NEW_TOKENS), 1, true, false);
                double seconds = (System.nanoTime() - start) / 1e9;
                double cpuSeconds = (cpuNanos() - cpuStart) / 1e9;
                runs[i] = new double[] {result.steps() / seconds, 1e3 * cpuSeconds / result.steps(),
                        cpuSeconds / seconds};
                row("greedy " + NEW_TOKENS + " new tokens, batch 1, KV cache, run " + (i + 1), fmt(runs[i][0])
                        + " tokens/s", fmt(runs[i][1]) + " CPU-ms/token, " + fmt(runs[i][2]) + " cores used");
            }
            java.util.Arrays.sort(runs, java.util.Comparator.comparingDouble(r -> r[0]));
            row("greedy batch 1, KV cache, median of 3", fmt(runs[1][0]) + " tokens/s", fmt(runs[1][1])
                    + " CPU-ms/token, " + fmt(runs[1][2]) + " cores used; load average " + fmt(
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
            if (profile) {
                profile("batch-1 cached greedy generation, " + NEW_TOKENS + " tokens", NEW_TOKENS,
                        () -> model.generate(prompt, Decoding.greedy(NEW_TOKENS), 1, true, false));
            }
        }
        print();
    }

    private void run(int trainSteps, int uncachedTokens, boolean profile) throws Exception {
        header();

        // Wall-clock rates suffer when other processes share the cores; rates per CPU-second of this process
        // do not (much), so both are shown and the efficiency is given for both.
        double ceiling = 0;
        double ceilingCpu = 0;
        for (int n : new int[] {1024, 2048}) {
            double[] rate = matmul(n);
            ceiling = Math.max(ceiling, rate[0]);
            ceilingCpu = Math.max(ceilingCpu, rate[1]);
            row("fp32 matmul " + n + "x" + n + " (DJL)", fmt(rate[0]) + " GFLOP/s", fmt(rate[1])
                    + " GFLOP per CPU-second");
        }

        try (T5Model model = smallModel()) {
            T5Config c = model.t5Config();
            long params = 0;
            for (var p : model.block().getParameters()) {
                params += p.getValue().getArray().size();
            }
            Random random = new Random(5);
            List<int[]> prompts = tokens(random, BATCH, SOURCE);
            List<int[]> targets = tokens(random, BATCH, TARGET);
            double flops = trainingFlops(c);
            Optimizer adamW = Optimizer.adamW().optLearningRateTracker(Tracker.fixed(1e-4f)).optWeightDecays(0.01f)
                    .build();
            for (Parameter p : model.block().getParameters().values()) {
                p.getArray().setRequiresGradient(true);
            }
            trainStep(model, adamW, prompts, targets, null); // warm-up
            long start = System.nanoTime();
            long cpuStart = cpuNanos();
            double[] phases = new double[6];
            for (int i = 0; i < trainSteps; i++) {
                trainStep(model, adamW, prompts, targets, phases);
            }
            double seconds = (System.nanoTime() - start) / 1e9 / trainSteps;
            double cpuSeconds = (cpuNanos() - cpuStart) / 1e9 / trainSteps;
            double achieved = flops / seconds / 1e9;
            double achievedCpu = flops / cpuSeconds / 1e9;
            row("train step b8 256/64 (" + params / 1_000_000 + "M params, mean of " + trainSteps + ")",
                    fmt(seconds) + " s/step", fmt(cpuSeconds) + " CPU-s/step");
            row("train tokens/s (input + target)", fmt(BATCH * (SOURCE + TARGET) / seconds), "");
            row("train achieved (" + fmt(flops / 1e9) + " GFLOP/step)", fmt(achieved) + " GFLOP/s = "
                    + fmt(100 * achieved / ceiling) + "% of ceiling", fmt(achievedCpu) + " GFLOP per CPU-second = "
                    + fmt(100 * achievedCpu / ceilingCpu) + "% of ceiling per CPU-second; target >=40%: "
                    + (achieved >= 0.4 * ceiling ? "met" : "MISSED") + " (wall), "
                    + (achievedCpu >= 0.4 * ceilingCpu ? "met" : "MISSED") + " (CPU)");
            row("train step phases (wall s / CPU s per step)", String.format(Locale.ROOT,
                    "forward %.1f / %.1f, backward %.1f / %.1f, AdamW %.1f / %.1f", phases[0] / trainSteps,
                    phases[1] / trainSteps, phases[2] / trainSteps, phases[3] / trainSteps, phases[4] / trainSteps,
                    phases[5] / trainSteps), "");
            boolean missed = achieved < 0.4 * ceiling || achievedCpu < 0.4 * ceilingCpu;
            if (profile || missed) {
                profileStep(model, adamW, prompts, targets);
            }
            for (Parameter p : model.block().getParameters().values()) {
                p.getArray().setRequiresGradient(false);
            }

            // Warm-up as long as the timed runs, as --batch1 does: a short one left the step path partly unwarmed.
            model.generate(prompts.subList(0, 1), Decoding.greedy(NEW_TOKENS), 1, true, false);
            for (int batch : new int[] {1, 8}) {
                List<int[]> input = prompts.subList(0, batch);
                double cached = generate(model, input, true, NEW_TOKENS);
                row("greedy " + NEW_TOKENS + " new tokens, batch " + batch + ", KV cache", fmt(cached) + " tokens/s", "");
                // Fewer uncached tokens (--uncached-tokens) only flatter the uncached rate (each step recomputes
                // all earlier ones), so the speedup shown is then a lower bound.
                double uncached = generate(model, input, false, uncachedTokens);
                row("greedy " + uncachedTokens + " new tokens, batch " + batch + ", no cache",
                        fmt(uncached) + " tokens/s", "cache speedup " + (uncachedTokens < NEW_TOKENS ? ">= " : "")
                                + fmt(cached / uncached) + "x (target >=3x: "
                                + (cached >= 3 * uncached ? "met" : "MISSED") + ")");
            }
        }
        print();
    }

    /** Forward + backward + AdamW update, every array scoped. */
    private static void trainStep(T5Model model, Optimizer optimizer, List<int[]> prompts, List<int[]> targets,
                                  double[] phases) {
        long t0 = System.nanoTime();
        long c0 = cpuNanos();
        long t1;
        long c1;
        try (NDManager step = NDManager.newBaseManager();
             GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray loss = model.loss(step, prompts, targets);
            t1 = System.nanoTime();
            c1 = cpuNanos();
            collector.backward(loss);
        }
        long t2 = System.nanoTime();
        long c2 = cpuNanos();
        for (Parameter p : model.block().getParameters().values()) {
            NDArray weight = p.getArray();
            try (NDArray gradient = weight.getGradient()) {
                optimizer.update(p.getId(), weight, gradient);
            }
            JniUtils.zeroGrad((PtNDArray) weight);
        }
        if (phases != null) {
            long t3 = System.nanoTime();
            long c3 = cpuNanos();
            phases[0] += (t1 - t0) / 1e9;
            phases[1] += (c1 - c0) / 1e9;
            phases[2] += (t2 - t1) / 1e9;
            phases[3] += (c2 - c1) / 1e9;
            phases[4] += (t3 - t2) / 1e9;
            phases[5] += (c3 - c2) / 1e9;
        }
    }

    /** Records one training step with the PyTorch profiler and prints the ops by time (inclusive). */
    private void profileStep(T5Model model, Optimizer optimizer, List<int[]> prompts, List<int[]> targets)
            throws Exception {
        profile("one training step", 1, () -> trainStep(model, optimizer, prompts, targets, null));
    }

    /**
     * Runs {@code work} under the PyTorch profiler and prints the ops by time (inclusive), with calls per
     * {@code units} (training steps, or generated tokens).
     */
    private static void profile(String what, int units, Runnable work) throws Exception {
        Path trace = Files.createTempFile("t5-profile", ".json");
        JniUtils.startProfile(false, false, false);
        long start = System.nanoTime();
        work.run();
        double wall = (System.nanoTime() - start) / 1e3;
        JniUtils.stopProfile(trace.toString());
        JsonNode root = new ObjectMapper().readTree(trace.toFile());
        // The legacy profiler writes a bare array of chrome-trace events; Kineto wraps them in traceEvents.
        JsonNode events = root.isArray() ? root : root.path("traceEvents");
        Map<String, double[]> byOp = new HashMap<>();
        for (JsonNode event : events) {
            if ("X".equals(event.path("ph").asText()) && event.has("dur")) {
                double[] total = byOp.computeIfAbsent(event.path("name").asText(), k -> new double[2]);
                total[0] += event.path("dur").asDouble();
                total[1]++;
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "profile of %s (%.2f s wall, profiler on; inclusive times, nested ops"
                + " overlap):%n", what, wall / 1e6);
        byOp.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue()[0], a.getValue()[0])).limit(25)
                .forEach(e -> System.out.printf(Locale.ROOT, "  %-45s %8.3f s %5.1f%% %8.1f calls per %s%n",
                        e.getKey(), e.getValue()[0] / 1e6, 100 * e.getValue()[0] / wall, e.getValue()[1] / units,
                        units == 1 ? "run" : "token"));
        if (byOp.isEmpty()) {
            System.out.println("  (no timed events found in " + trace + ", kept for inspection)");
        } else {
            Files.deleteIfExists(trace);
        }
    }

    /** New tokens per second of greedy decoding (rows x generated tokens / time). */
    private static double generate(T5Model model, List<int[]> prompts, boolean cache, int newTokens) {
        long start = System.nanoTime();
        T5Generator.Result result = model.generate(prompts, Decoding.greedy(newTokens), 1, cache, false);
        double seconds = (System.nanoTime() - start) / 1e9;
        long tokens = (long) result.steps() * prompts.size();
        if (result.steps() < newTokens) {
            System.out.println("note: generation stopped at eos after " + result.steps() + " steps");
        }
        return tokens / seconds;
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** {wall GFLOP/s, GFLOP per CPU-second} of an n x n fp32 matmul. */
    private static double[] matmul(int n) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = manager.randomNormal(new Shape(n, n));
            NDArray b = manager.randomNormal(new Shape(n, n));
            for (int i = 0; i < 2; i++) {
                a.matMul(b).close();
            }
            int reps = n <= 1024 ? 10 : 4;
            long start = System.nanoTime();
            long cpuStart = cpuNanos();
            for (int i = 0; i < reps; i++) {
                a.matMul(b).close();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpuSeconds = (cpuNanos() - cpuStart) / 1e9;
            double flops = 2.0 * n * n * n * reps;
            return new double[] {flops / seconds / 1e9, flops / cpuSeconds / 1e9};
        }
    }

    /**
     * Matmul FLOPs of one step: 6 x (weights applied per token) x tokens (forward 2, backward 4), encoder weights
     * on input tokens, decoder weights and the LM head on target tokens, plus 3 x the attention score and
     * weighted-sum products. Embedding lookups, norms and softmax are not counted.
     */
    static double trainingFlops(T5Config c) {
        double d = c.dModel();
        double inner = c.innerDim();
        double ff = (c.gated() ? 3 : 2) * d * c.dFf();
        double encoderWeights = c.numLayers() * (4 * d * inner + ff);
        double decoderWeights = c.numDecoderLayers() * (8 * d * inner + ff) + (double) c.vocabSize() * d;
        double weights = 6 * (encoderWeights * BATCH * SOURCE + decoderWeights * BATCH * TARGET);
        double perHead = 2 * 2 * c.dKv() * (double) BATCH * c.numHeads();
        double attention = 3 * perHead * (c.numLayers() * (double) SOURCE * SOURCE
                + c.numDecoderLayers() * ((double) TARGET * TARGET + (double) TARGET * SOURCE));
        return weights + attention;
    }

    private static List<int[]> tokens(Random random, int rows, int length) {
        List<int[]> out = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            int[] ids = new int[length];
            for (int t = 0; t < length - 1; t++) {
                ids[t] = 2 + random.nextInt(32000);
            }
            ids[length - 1] = 1;
            out.add(ids);
        }
        return out;
    }

    private void row(String what, String value, String note) {
        rows.add(new String[] {what, value, note});
        System.out.printf(Locale.ROOT, "  ... %s: %s %s%n", what, value, note);
    }

    private void print() {
        System.out.println();
        System.out.println("| measurement | value | note |");
        System.out.println("| --- | --- | --- |");
        for (String[] r : rows) {
            System.out.println("| " + r[0] + " | " + r[1] + " | " + r[2] + " |");
        }
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, value >= 100 ? "%.0f" : value >= 10 ? "%.1f" : "%.2f", value);
    }
}
