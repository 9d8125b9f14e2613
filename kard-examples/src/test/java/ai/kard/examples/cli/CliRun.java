package ai.kard.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

/** Runs the kard command line in this JVM and keeps what it printed, for the CLI tests. */
public final class CliRun {
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

    /**
     * Writes the tiny invented-facts benchmark the CLI tests train on into {@code data}: seed 5, 40 entities,
     * {@code train} training questions, 4 validation and 4 test questions, one rationale each.
     */
    public static void tinyBenchmark(Path data, int train) {
        Result r = run("demo-data", "--out", data.toString(), "--seed", "5", "--entities", "40", "--train",
                String.valueOf(train), "--validation", "4", "--test", "4", "--rationales", "1");
        assertThat(r.code()).as(r.err()).isZero();
    }

    /** Indexes {@code data}'s {@code corpus.jsonl} into {@code index} on one thread. */
    public static void index(Path data, Path index) {
        Result r = run("index", "--corpus", data.resolve("corpus.jsonl").toString(), "--index", index.toString(),
                "--threads", "1");
        assertThat(r.code()).as(r.err()).isZero();
    }
}
