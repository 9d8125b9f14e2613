package ai.kard.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exact resume the way a user meets it: {@code kard distill} in its own JVM, killed with SIGKILL
 * ({@link Process#destroyForcibly()}, which is kill -9 on Unix) as soon as its first checkpoint folder appears, then
 * {@code kard distill --resume} in a new JVM, must save weight files byte-identical to an uninterrupted run's.
 * Every run is a child JVM on this test's classpath, so the three runs share the same engine settings and no state
 * can survive in memory between the killed run and its continuation.
 */
class DistillKillResumeTest {
    @TempDir
    static Path dir;
    static Path data;
    static Path index;

    @BeforeAll
    static void benchmark() {
        data = dir.resolve("data");
        index = dir.resolve("index");
        CliRun.tinyBenchmark(data, 16);
        CliRun.index(data, index);
    }

    /** {@code kard distill} with renaming on: 16 examples in batches of 8, 2 epochs, a checkpoint per epoch. */
    private static ProcessBuilder distill(String student, Path out, boolean resume) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-cp", System.getProperty("java.class.path"), KardCli.class.getName(),
                "distill", "--student", student, "--questions", data.resolve("train.jsonl").toString(),
                "--rationales", data.resolve("rationales-train.jsonl").toString(), "--index", index.toString(),
                "--out", out.toString(), "--epochs", "2", "--batch-size", "8", "--rename", "1.0", "--seed", "7"));
        if (resume) {
            command.add("--resume");
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(out.getFileName() + (resume ? "-resume" : "") + ".log").toFile());
        builder.environment().put("DJL_OFFLINE", "true");
        builder.environment().put("OPT_OUT_TRACKING", "true");
        return builder;
    }

    private static void runToCompletion(ProcessBuilder builder, Path out) throws Exception {
        Process process = builder.start();
        assertThat(process.waitFor(15, TimeUnit.MINUTES)).as("distill into %s finished in time", out).isTrue();
        assertThat(process.exitValue()).as("exit code of distill into %s (log: %s)", out,
                builder.redirectOutput().file()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"scratch:llama-tiny", "scratch:t5-tiny"})
    void killNineAfterTheFirstCheckpointThenResumeSavesTheUninterruptedBytes(String student) throws Exception {
        String name = student.replace(':', '-');
        Path uninterrupted = dir.resolve(name + "-uninterrupted");
        runToCompletion(distill(student, uninterrupted, false), uninterrupted);

        Path resumed = dir.resolve(name + "-resumed");
        Path checkpoints = Path.of(resumed + "-checkpoints");
        Process victim = distill(student, resumed, false).start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
        while (firstCheckpoint(checkpoints) == null && victim.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        // A checkpoint folder appears by an atomic rename, complete: this is the earliest moment a kill can keep it.
        victim.destroyForcibly();
        assertThat(victim.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(victim.exitValue()).as("killed by SIGKILL, not finished").isEqualTo(128 + 9);
        assertThat(firstCheckpoint(checkpoints)).as("the first checkpoint").isNotNull();
        assertThat(resumed).as("the killed run saved no model").doesNotExist();

        runToCompletion(distill(student, resumed, true), resumed);
        String resumeLog = Files.readString(dir.resolve(resumed.getFileName() + "-resume.log"));
        assertThat(resumeLog).as("the second run continued from the checkpoint").contains("resumed from");

        Map<String, String> expected = weightFileHashes(uninterrupted);
        assertThat(expected).containsKey("model.safetensors").containsKey("kard-copy-head.safetensors");
        assertThat(weightFileHashes(resumed)).as("SHA-256 of the resumed run's weight files").isEqualTo(expected);
    }

    private static Path firstCheckpoint(Path checkpoints) throws IOException {
        if (!Files.isDirectory(checkpoints)) {
            return null;
        }
        try (Stream<Path> list = Files.list(checkpoints)) {
            return list.filter(p -> p.getFileName().toString().startsWith("checkpoint-")).findFirst().orElse(null);
        }
    }

    private static Map<String, String> weightFileHashes(Path folder) throws Exception {
        Map<String, String> hashes = new TreeMap<>();
        try (Stream<Path> list = Files.list(folder)) {
            for (Path p : list.filter(p -> p.getFileName().toString().endsWith(".safetensors")).toList()) {
                hashes.put(p.getFileName().toString(),
                        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        }
        return hashes;
    }
}
