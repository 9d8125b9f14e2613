package ai.kard.examples.cli;

import ai.kard.api.BadInput;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code kard} command line. Exit codes: 0 success, 2 bad input (one-line reason on stderr), 1 internal
 * failure. Each subcommand is its own class; add new ones to {@link #commandLine()}.
 */
@Command(name = "kard", mixinStandardHelpOptions = true, version = "kard 0.1.0-SNAPSHOT",
        description = "Knowledge-Augmented Reasoning Distillation: index, search, distill, evaluate.")
public final class KardCli {
    public static final int OK = 0;
    public static final int INTERNAL_ERROR = 1;
    public static final int BAD_INPUT = 2;

    private KardCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line in-process and returns its exit code (for tests and embedding). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** Runs with the given output streams, for tests that read what a command prints. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = commandLine();
        cli.setOut(out);
        cli.setErr(err);
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new KardCli());
        // Subcommands register here, one line each.
        cli.addSubcommand(new IndexCommand());
        cli.addSubcommand(new SearchCommand());
        cli.addSubcommand(new EvalRetrievalCommand());
        cli.addSubcommand(new DemoDataCommand());
        cli.addSubcommand(new TeacherCommand());
        cli.addSubcommand(new ImportRationalesCommand());
        cli.addSubcommand(new DemoCommand());
        cli.addSubcommand(new DistillCommand());
        cli.addSubcommand(new EvalCommand());
        cli.addSubcommand(new TrainRerankerCommand());
        cli.addSubcommand(new RerankEvalCommand());
        cli.addSubcommand(new SolrLocalCommand());
        cli.setExecutionExceptionHandler(KardCli::handleException);
        cli.setParameterExceptionHandler((ex, args) -> {
            ex.getCommandLine().getErr().println("kard: " + ex.getMessage());
            return BAD_INPUT;
        });
        return cli;
    }

    /**
     * The one place errors become exit codes: the {@link BadInput} family (bad files, model folders, settings; also
     * when wrapped, for example in an {@code UncheckedIOException}) and a missing file are bad input, exit 2 with
     * one line; anything else is an internal failure, exit 1 with the stack trace.
     */
    private static int handleException(Exception ex, CommandLine cli, CommandLine.ParseResult parsed) {
        PrintWriter err = cli.getErr();
        String badInput = badInput(ex);
        if (badInput != null) {
            err.println("kard " + cli.getCommandName() + ": " + badInput);
            return BAD_INPUT;
        }
        err.println("kard " + cli.getCommandName() + ": internal error: " + oneLine(ex.getMessage(), ex));
        ex.printStackTrace(err);
        return INTERNAL_ERROR;
    }

    /** The one-line reason when {@code ex} is bad input, else null. */
    static String badInput(Throwable ex) {
        java.util.Optional<BadInput> bad = BadInput.find(ex);
        if (bad.isPresent()) {
            return oneLine(bad.get().getMessage(), ex);
        }
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.nio.file.NoSuchFileException missing) {
                return "no such file: " + oneLine(missing.getMessage(), ex);
            }
        }
        return null;
    }

    private static String oneLine(String message, Throwable ex) {
        String text = message == null ? ex.getClass().getSimpleName() : message;
        return text.replace('\n', ' ').replace('\r', ' ');
    }
}
