package ai.kard.examples.cli;

import ai.kard.api.InvalidSettingException;
import ai.kard.api.KnowledgeBase;
import ai.kard.api.Question;
import ai.kard.api.Rationale;
import ai.kard.core.Kard;
import ai.kard.core.data.QuestionReader;
import ai.kard.core.data.RationaleReader;
import ai.kard.core.distill.Distillation;
import ai.kard.core.distill.KardModel;
import ai.kard.core.model.ModelOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kard distill}: trains a student on teacher rationales, with passages from an index (KARD) or without
 * (RD), and saves it as a HF model folder with {@code kard.json}. All inputs are checked before training starts;
 * the output folder only appears, complete, at the end. Checkpoints go to {@code <out>-checkpoints}.
 */
@Command(name = "distill", mixinStandardHelpOptions = true,
        description = "Distil a student from teacher rationales: KARD with --index, plain RD without.")
final class DistillCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--student", required = true, paramLabel = "MODEL",
            description = "model folder, hub id or preset (scratch:t5-tiny, scratch:t5-small, scratch:llama-tiny)")
    String student;

    @Option(names = "--questions", required = true, paramLabel = "FILE", description = "training questions")
    Path questions;

    @Option(names = "--rationales", required = true, paramLabel = "FILE",
            description = "teacher rationales (JSONL, .gz, or a released rationale folder)")
    Path rationales;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output model folder (new or empty)")
    Path out;

    @Option(names = "--index", paramLabel = "DIR", description = "BM25 index: KARD (without: RD); or --solr/--collection")
    Path index;

    @Mixin
    SolrOptions knowledgeBase;

    @Option(names = "--passages", paramLabel = "K", description = "passages per prompt (default: ${DEFAULT-VALUE})")
    int passages = 1;

    @Option(names = "--epochs", description = "epochs (default: the student's)")
    Integer epochs;

    @Option(names = "--lr", description = "learning rate (default: the student's)")
    Double learningRate;

    @Option(names = "--batch-size", description = "batch size (default: the student's)")
    Integer batchSize;

    @Option(names = "--rename", description = "renaming probability (default: the student's)")
    Double rename;

    @Option(names = "--dropout", paramLabel = "P", description = "dropout probability at every place the student's"
            + " architecture applies dropout, 0 for none (default: the student's config: 0 in the scratch presets,"
            + " e.g. dropout_rate 0.1 in a Flan-T5 folder)")
    Double dropout;

    @Option(names = "--device", description = "cpu, gpu or gpu:N (default: ${DEFAULT-VALUE})")
    String device = "cpu";

    @Option(names = "--seed", description = "seed (default: ${DEFAULT-VALUE})")
    long seed = 42;

    @Option(names = "--validation", paramLabel = "FILE", description = "held-out questions (accuracy per epoch)")
    Path validation;

    @Option(names = "--validation-rationales", paramLabel = "FILE", description = "their rationales (validation loss)")
    Path validationRationales;

    @Option(names = "--resume", description = "continue from the newest checkpoint in <out>-checkpoints")
    boolean resume;

    @Override
    public Integer call() throws Exception {
        PrintWriter console = spec.commandLine().getOut();
        requireEmptyOrAbsent(out);
        Distillation recipe = Kard.student(student).seed(seed).device(ModelOptions.parseDevice(device))
                .passages(passages).listener(new ConsoleProgress(console, "distill"))
                .checkpoints(Path.of(out.toString() + "-checkpoints"), resume);
        List<Question> train = QuestionReader.read(questions);
        List<Rationale> teacher = RationaleReader.read(rationales);
        Map<String, Object> files = new LinkedHashMap<>();
        files.put("questions", questions.toAbsolutePath().toString());
        files.put("rationales", rationales.toAbsolutePath().toString());
        if (validation != null) {
            List<Question> held = QuestionReader.read(validation);
            List<Rationale> heldRationales = validationRationales == null ? List.of()
                    : RationaleReader.read(validationRationales);
            recipe.validation(held, heldRationales);
            files.put("validation", validation.toAbsolutePath().toString());
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
        if (rename != null) {
            recipe.renameProbability(rename);
        }
        if (dropout != null) {
            recipe.dropout(checkDropout(dropout));
        }
        KnowledgeBase kb = null;
        try {
            kb = knowledgeBase.open(index, false);
            if (kb != null) {
                recipe.withKnowledgeBase(kb);
                files.put("index", knowledgeBase.location(index));
            }
            recipe.provenance("data", files);
            try (KardModel model = recipe.distillFrom(train, teacher)) {
                model.save(out);
                Map<String, Object> provenance = model.provenance();
                Map<?, ?> metrics = (Map<?, ?>) provenance.get("metrics");
                console.printf(Locale.ROOT, "saved %s (%s, %s examples) to %s: %.0f training tokens/s, %.0f s%n",
                        model.settings().knowledgeAugmented() ? "KARD" : "RD", student,
                        ((Map<?, ?>) provenance.get("data")).get("examples"), out,
                        ((Number) metrics.get("train_tokens_per_second")).doubleValue(),
                        ((Number) metrics.get("train_seconds")).doubleValue());
            }
        } finally {
            if (kb != null) {
                kb.close();
            }
        }
        return KardCli.OK;
    }

    static void requireEmptyOrAbsent(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            try (Stream<Path> entries = Files.list(dir)) {
                if (entries.findAny().isPresent()) {
                    throw new InvalidSettingException("--out " + dir + " exists and is not empty");
                }
            }
        } else if (Files.exists(dir)) {
            throw new InvalidSettingException("--out " + dir + " exists and is not a folder");
        }
    }

    /** {@code --dropout}'s range, checked before any data is read: a probability in [0, 1). */
    static double checkDropout(double p) {
        if (!(p >= 0 && p < 1)) {
            throw new InvalidSettingException("--dropout is " + p + ": a dropout probability must be in [0, 1)");
        }
        return p;
    }
}
