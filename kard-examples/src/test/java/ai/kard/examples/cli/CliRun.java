package ai.kard.examples.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the kard command line in this JVM and keeps what it printed, for the CLI tests. */
final class CliRun {
    private CliRun() {
    }

    /** Exit code, standard output and standard error of one command. */
    record Result(int code, String out, String err) {
        /** The last line printed on standard output (the contract line of eval-retrieval and eval). */
        String lastLine() {
            return out.strip().lines().reduce((a, b) -> b).orElse("");
        }
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = KardCli.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }
}
