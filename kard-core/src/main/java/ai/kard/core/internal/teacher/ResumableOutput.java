package ai.kard.core.internal.teacher;

import ai.kard.api.InvalidInputException;
import ai.kard.core.data.RationaleReader;
import ai.kard.core.data.RationaleRecord;
import ai.kard.core.internal.data.Jsonl;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The teacher's append-only output. On open it repairs what an earlier killed run may have left: a last line
 * without its newline (a write cut short), questions with fewer or more than the expected number of rationale
 * lines, and error lines (failed questions are tried again). Those lines are removed by rewriting the file
 * atomically, so what remains is exactly the complete questions; the complete lines of incomplete questions
 * are appended to {@code <file>.incomplete.jsonl} first, so nothing paid for is lost. Each question is then appended with one write
 * of all its lines, forced to disk, so a kill loses at most the questions in flight. A lock file keeps a second
 * process from appending to the same output. Internal.
 */
public final class ResumableOutput implements AutoCloseable {
    // A stream, not a FileChannel: an interrupt during a channel write closes the channel for every thread.
    private final FileOutputStream out;
    private final Path lockFile;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Set<String> complete;
    private final int repairedLines;

    private ResumableOutput(FileOutputStream out, Path lockFile, FileChannel lockChannel, FileLock lock,
                            Set<String> complete, int repairedLines) {
        this.out = out;
        this.lockFile = lockFile;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.complete = complete;
        this.repairedLines = repairedLines;
    }

    /**
     * Opens (creating) {@code file}; a question is complete when it has exactly {@code samples} rationale lines
     * and no error line. Ids not in {@code knownIds} are an error: the file belongs to other questions.
     */
    public static ResumableOutput open(Path file, Set<String> knownIds, int samples) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path lockFile = parent.resolve("." + file.getFileName() + ".lock");
        FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            lock = null; // held by this JVM
        } catch (IOException | RuntimeException e) {
            lockChannel.close();
            throw e;
        }
        if (lock == null) {
            lockChannel.close();
            throw new InvalidInputException(file, 0, "another process is writing this file (lock " + lockFile + ")");
        }
        try {
            Set<String> complete = new HashSet<>();
            int repaired = Files.exists(file) ? repair(file, knownIds, samples, complete) : 0;
            FileOutputStream out = new FileOutputStream(file.toFile(), true);
            return new ResumableOutput(out, lockFile, lockChannel, lock, Set.copyOf(complete), repaired);
        } catch (IOException | RuntimeException e) {
            lock.release();
            lockChannel.close();
            throw e;
        }
    }

    /** Keeps the complete questions' lines, rewriting the file when anything else was there; returns lines removed. */
    private static int repair(Path file, Set<String> knownIds, int samples, Set<String> complete) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n') + 1;
        boolean cut = end < text.length(); // a last line without its newline: a write cut short by a kill
        Map<String, List<String>> byId = new LinkedHashMap<>();
        Set<String> failed = new HashSet<>();
        int total = cut ? 1 : 0;
        long lineNo = 0;
        for (String line : text.substring(0, end).split("\n", -1)) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            total++;
            List<RationaleRecord> parsed = new ArrayList<>(1);
            RationaleReader.parseLine(file, lineNo, line, parsed);
            for (RationaleRecord r : parsed) {
                if (!knownIds.contains(r.questionId())) {
                    throw new InvalidInputException(file, lineNo, "question id '" + r.questionId()
                            + "' is not in the questions file: is this the output of another run?");
                }
                byId.computeIfAbsent(r.questionId(), k -> new ArrayList<>()).add(line);
                if (r.isError()) {
                    failed.add(r.questionId());
                }
            }
        }
        List<String> keep = new ArrayList<>();
        List<String> set = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : byId.entrySet()) {
            if (!failed.contains(e.getKey()) && e.getValue().size() == samples) {
                keep.addAll(e.getValue());
                complete.add(e.getKey());
            } else if (!failed.contains(e.getKey())) {
                set.addAll(e.getValue());
            }
        }
        int removed = total - keep.size();
        if (removed > 0) {
            if (!set.isEmpty()) {
                // rationales of incomplete questions were paid for: keep them aside rather than lose them
                Path aside = file.resolveSibling(file.getFileName() + ".incomplete.jsonl");
                Files.write(aside, set, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            Jsonl.writeAtomically(file, keep);
        }
        return removed;
    }

    /** Questions the file already holds completely. */
    public Set<String> complete() {
        return complete;
    }

    /** Lines removed while repairing the file. */
    public int repairedLines() {
        return repairedLines;
    }

    /** Appends all lines of one question in one write, then forces them to disk. */
    public synchronized void appendQuestion(List<String> lines) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            sb.append(l).append('\n');
        }
        out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        out.getFD().sync();
    }

    @Override
    public void close() throws IOException {
        try {
            out.close();
        } finally {
            try {
                Files.deleteIfExists(lockFile);
                lock.release();
            } finally {
                lockChannel.close();
            }
        }
    }
}
