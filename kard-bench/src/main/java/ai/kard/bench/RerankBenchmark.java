package ai.kard.bench;

import ai.kard.api.Passage;
import ai.kard.core.model.ModelOptions;
import ai.kard.core.internal.model.bert.BertConfig;
import ai.kard.core.internal.model.bert.BertEncoder;
import ai.kard.core.rerank.LateInteractionReranker;
import ai.kard.core.rerank.LateInteractionScorer;
import ai.kard.core.rerank.ScorerSettings;
import ai.kard.core.rerank.ScoringMode;
import ai.kard.core.hub.ModelReference;
import ai.kard.core.internal.tokenizer.TextTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Rerank latency of the late-interaction reranker: one question against 100 candidates of about 100 words, with
 * random weights at BERT-base size (12 layers, hidden 768) and MiniLM size (6 layers, hidden 384). "cold" encodes
 * the question and every passage (empty cache); "warm" finds the passage vectors cached and encodes only the
 * question.
 *
 * <p>{@code ./bench RerankBenchmark [--configs base,minilm] [--cold 1] [--warm 5] [--candidates 100] [--words 100]
 * [--threads N]}
 * <br>{@code ./bench RerankBenchmark --encoder DIR [--modes late,bi] ...}: a real pretrained encoder instead (e.g.
 * {@code ../shared/models/all-minilm-l6-v2}), zero-shot, one row per scoring mode.
 * <br>{@code ./bench RerankBenchmark --memory N}: reranks N distinct questions (scratch:bert-tiny, 20 candidates each
 * from a pool of 2,000 passages, LRU of 500) and prints live native arrays (the scorer's and the whole process's)
 * and resident memory every N/10 questions.
 */
public final class RerankBenchmark {
    private static final String[] WORDS = ("the a of and to in is was for on that with as by at from plant water "
            + "energy light heat cell animal food soil rock river mountain earth sun moon star planet gas liquid solid "
            + "metal iron oxygen carbon dioxide electricity magnet force motion speed weight mass volume temperature "
            + "season winter summer rain cloud wind storm forest desert ocean fish bird insect seed flower leaf root "
            + "stem grow produce absorb release change cause effect because when which people use make tool machine "
            + "wheel lever surface friction sound wave vibration eye ear skin bone muscle blood heart lung brain "
            + "disease germ medicine health habitat predator prey species population fossil layer erosion volcano "
            + "earthquake mineral crystal salt sugar acid chemical reaction mixture solution dissolve melt freeze "
            + "boil evaporate condense shadow mirror lens telescope microscope measure scientist experiment result")
            .split(" ");

    private RerankBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<String> configs = List.of("base", "minilm");
        String encoder = null;
        List<ScoringMode> modes = List.of(ScoringMode.LATE_INTERACTION, ScoringMode.BI_ENCODER);
        int cold = 1;
        int warm = 5;
        int candidates = 100;
        int words = 100;
        for (int i = 0; i < args.length; i += 2) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--configs" -> configs = List.of(value.split(","));
                case "--encoder" -> encoder = value;
                case "--modes" -> modes = java.util.Arrays.stream(value.split(",")).map(ScoringMode::parse).toList();
                case "--cold" -> cold = Integer.parseInt(value);
                case "--warm" -> warm = Integer.parseInt(value);
                case "--candidates" -> candidates = Integer.parseInt(value);
                case "--words" -> words = Integer.parseInt(value);
                // PyTorch intra-op threads; on a busy machine one thread avoids OpenMP wake-up costs on small ops.
                case "--threads" -> {
                    ai.djl.engine.Engine.getInstance(); // loads the native library first
                    ai.djl.pytorch.jni.JniUtils.setNumThreads(Integer.parseInt(value));
                }
                case "--memory" -> {
                    memory(Integer.parseInt(value));
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Random random = new Random(7);
        List<Passage> passages = new ArrayList<>();
        for (int i = 0; i < candidates; i++) {
            passages.add(new Passage("p" + i, "", text(random, words)));
        }
        List<String> queries = new ArrayList<>();
        for (int i = 0; i < Math.max(cold, warm) + 1; i++) {
            queries.add(text(random, 15) + "?");
        }
        ai.djl.engine.Engine.getInstance(); // loads the native library before the thread count is read
        System.out.printf(Locale.ROOT, "rerank latency, %d candidates of %d words, 1 question per call, cpu, %d"
                + " processors, %d intra-op threads%n", candidates, words, Runtime.getRuntime().availableProcessors(),
                ai.djl.pytorch.jni.JniUtils.getNumThreads());
        System.out.println("| encoder | weights | tokens/passage | cold ms/query | warm ms/query | cold/warm |");
        System.out.println("|---|---|---|---|---|---|");
        List<String> rows = new ArrayList<>();
        if (encoder != null) {
            modes.forEach(m -> rows.add(m.shortName()));
        } else {
            rows.addAll(configs);
        }
        for (String name : rows) {
            LateInteractionScorer scorer;
            String label;
            if (encoder != null) {
                ScoringMode mode = ScoringMode.parse(name);
                scorer = LateInteractionScorer.zeroShot(encoder, mode, ModelOptions.cpu(),
                        ModelReference.fromEnvironment());
                label = encoder + " zero-shot, " + mode.jsonName();
            } else {
                BertConfig config = switch (name) {
                    case "base" -> new BertConfig(30522, 768, 12, 12, 3072, 512, 2, 1e-12, "gelu", 0, 0.02);
                    case "minilm" -> new BertConfig(30522, 384, 6, 12, 1536, 512, 2, 1e-12, "gelu", 0, 0.02);
                    default -> throw new IllegalArgumentException("config " + name + ": expected base or minilm");
                };
                scorer = LateInteractionScorer.create(BertEncoder.create(config, 1, ModelOptions.cpu()),
                        TextTokenizer.bundledWordPiece(), ScorerSettings.defaults(), 1);
                label = name + ", random weights";
            }
            BertConfig config = scorer.encoder().config();
            try (LateInteractionReranker reranker = new LateInteractionReranker(scorer, 10_000)) {
                double tokens = passages.stream().mapToInt(p -> scorer.passageTokens(p.contents()).length)
                        .average().orElse(0);
                reranker.rerank(queries.get(0), passages.subList(0, 4), 10); // warm-up: native init, allocator
                reranker.clearCache();
                double coldMs = 0;
                for (int r = 0; r < cold; r++) {
                    reranker.clearCache();
                    long start = System.nanoTime();
                    reranker.rerank(queries.get(r), passages, 10);
                    coldMs += (System.nanoTime() - start) / 1e6;
                }
                coldMs /= cold;
                reranker.rerank(queries.get(0), passages, 10);
                double warmMs = 0;
                for (int r = 0; r < warm; r++) {
                    long start = System.nanoTime();
                    reranker.rerank(queries.get(r + 1), passages, 10);
                    warmMs += (System.nanoTime() - start) / 1e6;
                }
                warmMs /= warm;
                System.out.printf(Locale.ROOT, "| %s (%d layers, hidden %d) | %.1f M | %.0f | %.0f | %.1f | %.0fx |%n",
                        label, config.numHiddenLayers(), config.hiddenSize(), config.parameterCount() / 1e6, tokens,
                        coldMs, warmMs, coldMs / warmMs);
            }
        }
    }

    private static void memory(int questions) throws Exception {
        Random random = new Random(3);
        List<Passage> pool = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            pool.add(new Passage("p" + i, "", text(random, 60)));
        }
        LateInteractionScorer scorer = LateInteractionScorer.create(
                BertEncoder.create(ai.kard.core.internal.model.bert.BertPresets.require("scratch:bert-tiny"), 1,
                        ModelOptions.cpu()), TextTokenizer.bundledWordPiece(), ScorerSettings.defaults(), 1);
        System.out.println("| questions | scorer live arrays | process live arrays | resident MB | cache hit rate |");
        System.out.println("|---|---|---|---|---|");
        try (LateInteractionReranker reranker = new LateInteractionReranker(scorer, 500)) {
            long start = System.nanoTime();
            for (int q = 0; q <= questions; q++) {
                if (q % Math.max(1, questions / 10) == 0) {
                    System.out.printf(Locale.ROOT, "| %d | %d | %d | %d | %.2f |%n", q,
                            scorer.manager().getManagedArrays().size(), processLiveArrays(), residentMegabytes(),
                            reranker.cacheStats().hitRate());
                }
                List<Passage> candidates = new ArrayList<>();
                for (int c = 0; c < 20; c++) {
                    candidates.add(pool.get(random.nextInt(pool.size())));
                }
                reranker.rerank(text(random, 12) + "?", candidates, 5);
            }
            System.out.printf(Locale.ROOT, "%d questions in %.1f s%n", questions, (System.nanoTime() - start) / 1e9);
        }
    }

    /** Live native arrays of the whole process: every manager descends from the system manager. */
    private static int processLiveArrays() {
        try (ai.djl.ndarray.NDManager probe = ai.djl.ndarray.NDManager.newBaseManager()) {
            return probe.getParentManager().getManagedArrays().size();
        }
    }

    private static long residentMegabytes() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    private static String text(Random random, int words) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < words; i++) {
            sb.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
        }
        return sb.toString();
    }
}
