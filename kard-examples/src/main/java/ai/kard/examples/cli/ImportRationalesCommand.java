package ai.kard.examples.cli;

import ai.kard.api.Question;
import ai.kard.core.data.QuestionReader;
import ai.kard.core.data.RationaleWriter;
import ai.kard.core.teacher.RationaleImporter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kard import-rationales}: released teacher files to Kard rationale JSONL, filtered, with a report. */
/** {@code kard import-rationales}: released teacher rationales to Kard rationale JSONL, filtered against gold answers. */
@Command(name = "import-rationales", mixinStandardHelpOptions = true,
        description = {"Convert released teacher rationales (KARD's rationales/*.jsonl.gz, folders of raw "
                + "chat.completion files, or Kard JSONL) into Kard rationale JSONL with kept/reason per rationale.",
                "Without --questions nothing can be verified: rationales are imported by their own ids as 'unverified'."})
public final class ImportRationalesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--questions", description = "the labelled questions the rationales explain")
    Path questions;

    @Option(names = "--in", required = true, description = "rationale file or directory")
    Path in;

    @Option(names = "--out", required = true, description = "output rationale JSONL (.gz to compress)")
    Path out;

    @Override
    public Integer call() throws Exception {
        PrintWriter w = spec.commandLine().getOut();
        List<Question> qs = questions == null ? null : QuestionReader.read(questions);
        RationaleImporter.Result r = RationaleImporter.importFrom(in, qs);
        RationaleWriter.write(out, r.records());
        w.printf(Locale.ROOT, "imported %d rationales for %d questions from %s%n", r.report().total(), r.questions(),
                in);
        if (qs == null) {
            w.println("no --questions: rationales were not checked against gold answers (unverified)");
        } else if (r.unknownQuestions() > 0) {
            w.printf(Locale.ROOT, "%d question ids match no question in %s (unverified)%n", r.unknownQuestions(),
                    questions);
        }
        w.printf(Locale.ROOT, "kept=%d dropped=%d unverified=%d%n", r.report().kept(), r.report().dropped(),
                r.report().unverified());
        r.report().byReason().forEach((reason, count) -> w.printf(Locale.ROOT, "  %-14s %d%n", reason, count));
        w.println("wrote " + out);
        return KardCli.OK;
    }
}
