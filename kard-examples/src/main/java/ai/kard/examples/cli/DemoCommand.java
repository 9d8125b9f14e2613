package ai.kard.examples.cli;

import ai.kard.api.InvalidSettingException;
import ai.kard.api.KnowledgeBase;
import ai.kard.api.Prediction;
import ai.kard.api.Question;
import ai.kard.api.Rationale;
import ai.kard.core.Kard;
import ai.kard.core.distill.Distillation;
import ai.kard.core.distill.KardModel;
import ai.kard.core.rerank.LateInteractionReranker;
import ai.kard.examples.demo.DemoBenchmark;
import ai.kard.examples.demo.DemoBenchmarkGenerator;
import ai.kard.examples.demo.DemoBenchmarkWriter;
import ai.kard.examples.demo.DemoConfig;
import ai.kard.examples.demo.DemoQuestion;
import ai.kard.examples.demo.Split;
import ai.kard.retrieval.Bm25Settings;
import ai.kard.retrieval.LuceneKnowledgeBase;
import ai.kard.retrieval.ProgressListener;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kard demo}: the bundled end-to-end example. Generates the invented-facts benchmark, indexes its corpus,
 * distils an RD and a KARD student from scratch and prints their test accuracy next to KARD with oracle passages
 * (retrieved with the teacher's test rationale). No model can know the invented facts, so the gap between RD and
 * KARD is the value of the knowledge base.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Generate the invented-facts benchmark, train RD and KARD students from scratch, print a table.")
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", description = "working folder (default: ${DEFAULT-VALUE})")
    Path out = Path.of("kard-demo");

    /**
     * The decoder-only preset by default: with the same data and copy head it learns the benchmark (oracle 0.99
     * after 4 epochs) where {@code scratch:t5-tiny} stays near 0.5; see the README.
     */
    @Option(names = "--student", description = "student reference (default: ${DEFAULT-VALUE})")
    String student = "scratch:llama-tiny";

    @Option(names = "--seed", description = "benchmark and training seed (default: ${DEFAULT-VALUE})")
    long seed = 42;

    @Option(names = "--train", description = "training questions (default: ${DEFAULT-VALUE})")
    int trainQuestions = 1000;

    @Option(names = "--rationales", description = "rationales per training question (default: ${DEFAULT-VALUE})")
    int rationales = 1;

    @Option(names = "--test", description = "test questions (default: ${DEFAULT-VALUE})")
    int testQuestions = 200;

    @Option(names = "--epochs", description = "epochs (default: the student's)")
    Integer epochs;

    @Option(names = "--lr", description = "learning rate (default: the student's)")
    Double learningRate;

    @Option(names = "--batch-size", description = "batch size (default: the student's)")
    Integer batchSize;

    @Option(names = "--methods", split = ",", description = "which students to train: rd, kard (default: both)")
    List<String> methods = List.of("rd", "kard");

    @Option(names = "--reranker", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "also train the reranker and add the KARD (reranker) row (default: ${DEFAULT-VALUE})")
    boolean reranker = true;

    @Option(names = "--reranker-encoder", description = "reranker encoder (default: ${DEFAULT-VALUE})")
    String rerankerEncoder = "scratch:bert-tiny";

    @Option(names = "--dropout", paramLabel = "P", description = "dropout probability at every place the student's"
            + " architecture applies dropout, 0 for none (default: the student's config: 0 in the scratch presets,"
            + " e.g. dropout_rate 0.1 in a Flan-T5 folder)")
    Double dropout;

    @Option(names = "--device", description = "cpu, gpu or gpu:N (default: ${DEFAULT-VALUE})")
    String device = "cpu";

    @Override
    public Integer call() throws Exception {
        PrintWriter console = spec.commandLine().getOut();
        if (dropout != null) {
            DistillCommand.checkDropout(dropout); // before the benchmark and index are built
        }
        long started = System.nanoTime();
        DemoConfig config = new DemoConfig(seed, trainQuestions + 2 * testQuestions + 200, trainQuestions, 50,
                testQuestions, rationales, 0.5);
        DemoBenchmark benchmark = new DemoBenchmarkGenerator(config).generate();
        Path data = out.resolve("data");
        DemoBenchmarkWriter.write(benchmark, data);
        console.printf(Locale.ROOT, "benchmark %s written to %s%n", config, data);
        List<Question> train = questions(benchmark.questions(Split.TRAIN));
        List<Question> validation = questions(benchmark.questions(Split.VALIDATION));
        List<Question> test = questions(benchmark.questions(Split.TEST));
        Map<String, String> oracle = new LinkedHashMap<>();
        for (Rationale r : benchmark.rationales(Split.TEST)) {
            oracle.putIfAbsent(r.questionId(), r.text());
        }
        // Validation accuracy on 20 questions, and the validation loss on those questions' rationales only (all
        // 50 questions' rationales with 20 questions warned that 30 name no known question).
        List<Question> validationQuestions = validation.subList(0, Math.min(20, validation.size()));
        java.util.Set<String> validationIds = validationQuestions.stream().map(Question::id)
                .collect(java.util.stream.Collectors.toSet());
        List<Rationale> validationRationales = benchmark.rationales(Split.VALIDATION).stream()
                .filter(r -> validationIds.contains(r.questionId())).toList();
        Path indexDir = out.resolve("index");
        deleteIndex(indexDir);
        List<Row> rows = new ArrayList<>();
        try (KnowledgeBase kb = LuceneKnowledgeBase.build(List.of(data.resolve(DemoBenchmarkWriter.CORPUS)),
                indexDir, Bm25Settings.DEFAULT, 2, ProgressListener.logging())) {
            for (String method : methods) {
                boolean kard = switch (method.toLowerCase(Locale.ROOT)) {
                    case "rd" -> false;
                    case "kard" -> true;
                    default -> throw new InvalidSettingException("--methods: unknown method \"" + method
                            + "\"; use rd and/or kard");
                };
                Distillation recipe = Kard.student(student).seed(seed)
                        .device(ai.kard.core.model.ModelOptions.parseDevice(device))
                        .validation(validationQuestions, validationRationales)
                        .listener(new ConsoleProgress(console, kard ? "KARD" : "RD"))
                        .provenance("benchmark", config.toString());
                if (kard) {
                    recipe.withKnowledgeBase(kb).passages(1);
                }
                if (epochs != null) {
                    recipe.epochs(epochs);
                }
                if (learningRate != null) {
                    recipe.learningRate(learningRate);
                }
                if (batchSize != null) {
                    recipe.batchSize(batchSize);
                }
                if (dropout != null) {
                    recipe.dropout(dropout);
                }
                try (KardModel model = recipe.distillFrom(train, benchmark.rationales(Split.TRAIN))) {
                    Map<?, ?> metrics = (Map<?, ?>) model.provenance().get("metrics");
                    double tokensPerSecond = ((Number) metrics.get("train_tokens_per_second")).doubleValue();
                    double seconds = ((Number) metrics.get("train_seconds")).doubleValue();
                    rows.add(Row.of(kard ? "KARD (BM25)" : "RD", test, model.answerAll(test, 1), tokensPerSecond,
                            seconds));
                    if (kard && reranker) {
                        rows.add(rerankerRow(console, kb, model, train, benchmark, test));
                    }
                    if (kard) {
                        List<String> given = test.stream().map(q -> oracle.getOrDefault(q.id(), q.text())).toList();
                        rows.add(Row.of("KARD (oracle passages)", test, model.answerWithRationales(test, given, 1),
                                tokensPerSecond, seconds));
                    }
                    model.save(out.resolve(kard ? "kard-student" : "rd-student").resolve("model"));
                }
            }
        }
        console.println();
        console.printf(Locale.ROOT, "%-24s %9s %10s %15s %10s%n", "method", "accuracy", "no-answer", "train tokens/s",
                "train s");
        for (Row row : rows) {
            // The reranker row has no student tokens/s of its own: a dash, not NaN.
            String tokensPerSecond = Double.isNaN(row.tokensPerSecond()) ? "-"
                    : String.format(java.util.Locale.ROOT, "%.0f", row.tokensPerSecond());
            console.printf(Locale.ROOT, "%-24s %9.3f %10d %15s %10.0f%n", row.name(), row.accuracy(), row.noAnswer(),
                    tokensPerSecond, row.seconds());
        }
        console.printf(Locale.ROOT, "test questions: %d, wall time %.0f s%n", test.size(),
                (System.nanoTime() - started) / 1e9);
        return KardCli.OK;
    }

    /** Trains KARD's reranker on the training rationales and answers again with it. */
    private Row rerankerRow(PrintWriter console, KnowledgeBase kb, KardModel model, List<Question> train,
            DemoBenchmark benchmark, List<Question> test) throws java.io.IOException {
        long start = System.nanoTime();
        try (LateInteractionReranker trained = Kard.reranker(rerankerEncoder).seed(seed)
                .device(ai.kard.core.model.ModelOptions.parseDevice(device))
                .validation(questions(benchmark.questions(Split.VALIDATION)), benchmark.rationales(Split.VALIDATION))
                .listener(new ConsoleProgress(console, "reranker"))
                .withKnowledgeBase(kb)
                .trainOn(train, benchmark.rationales(Split.TRAIN))) {
            double seconds = (System.nanoTime() - start) / 1e9;
            trained.scorer().save(out.resolve("reranker"));
            KardModel withReranker = model.with(kb, trained, model.settings());
            return Row.of("KARD (reranker)", test, withReranker.answerAll(test, 1), Double.NaN, seconds);
        }
    }

    private static List<Question> questions(List<DemoQuestion> questions) {
        return questions.stream().map(DemoQuestion::question).toList();
    }

    private static void deleteIndex(Path dir) throws java.io.IOException {
        if (java.nio.file.Files.isDirectory(dir)) {
            com.google.common.io.MoreFiles.deleteRecursively(dir,
                    com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE);
        }
    }

    /** One line of the table. */
    record Row(String name, double accuracy, int noAnswer, double tokensPerSecond, double seconds) {
        static Row of(String name, List<Question> questions, List<Prediction> predictions, double tokensPerSecond,
                      double seconds) {
            int correct = 0;
            int none = 0;
            for (int i = 0; i < questions.size(); i++) {
                correct += predictions.get(i).isCorrect(questions.get(i)) ? 1 : 0;
                none += predictions.get(i).answered() ? 0 : 1;
            }
            return new Row(name, correct / (double) questions.size(), none, tokensPerSecond, seconds);
        }
    }
}
