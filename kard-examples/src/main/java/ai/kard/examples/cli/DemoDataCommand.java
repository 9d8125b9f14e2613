package ai.kard.examples.cli;

import ai.kard.examples.demo.DemoBenchmark;
import ai.kard.examples.demo.DemoBenchmarkGenerator;
import ai.kard.examples.demo.DemoBenchmarkWriter;
import ai.kard.examples.demo.DemoConfig;
import ai.kard.examples.demo.Split;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code kard demo-data}: writes the invented-facts demo benchmark (corpus, questions, rationales). */
@Command(name = "demo-data", mixinStandardHelpOptions = true,
        description = "Generate the invented-facts demo benchmark: corpus.jsonl, train/validation/test.jsonl, "
                + "rationales-<split>.jsonl, gold-passages.tsv.")
final class DemoDataCommand implements Callable<Integer> {
    private static final DemoConfig DEFAULTS = DemoConfig.defaults();

    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, description = "output folder (created if needed)")
    Path out;

    @Option(names = "--seed", description = "random seed (default ${DEFAULT-VALUE})")
    long seed = DEFAULTS.seed();

    @Option(names = "--entities", description = "fictional diseases (default ${DEFAULT-VALUE})")
    int entities = DEFAULTS.entities();

    @Option(names = "--train", description = "training questions (default ${DEFAULT-VALUE})")
    int train = DEFAULTS.trainQuestions();

    @Option(names = "--validation", description = "validation questions (default ${DEFAULT-VALUE})")
    int validation = DEFAULTS.validationQuestions();

    @Option(names = "--test", description = "test questions (default ${DEFAULT-VALUE})")
    int test = DEFAULTS.testQuestions();

    @Option(names = "--rationales", description = "rationales per question, 1..3 (default ${DEFAULT-VALUE})")
    int rationales = DEFAULTS.rationalesPerQuestion();

    @Option(names = "--two-hop", description = "share of two-hop questions (default ${DEFAULT-VALUE})")
    double twoHop = DEFAULTS.twoHopFraction();

    @Override
    public Integer call() throws Exception {
        DemoConfig config = new DemoConfig(seed, entities, train, validation, test, rationales, twoHop);
        DemoBenchmark benchmark = new DemoBenchmarkGenerator(config).generate();
        DemoBenchmarkWriter.write(benchmark, out);
        spec.commandLine().getOut().printf(Locale.ROOT,
                "wrote %s: %d passages, questions train=%d validation=%d test=%d%n",
                out, benchmark.corpus().size(), benchmark.questions(Split.TRAIN).size(),
                benchmark.questions(Split.VALIDATION).size(), benchmark.questions(Split.TEST).size());
        return KardCli.OK;
    }
}
