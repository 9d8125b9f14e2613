package ai.kard.core.internal.train;

import com.google.common.io.RecursiveDeleteOption;
import com.google.common.io.MoreFiles;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.kard.core.internal.checkpoint.AtomicFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Training checkpoints: one folder {@code checkpoint-<step, 8 digits>} per checkpoint holding
 * {@code parameters.ndlist} (the trained parameters, DJL's NDList encoding, bit-exact), {@code optimizer.ndlist}
 * (AdamW's m and v) and {@code state.json} (position, step, seed, metrics so far). A folder is written under a
 * temporary name and renamed, so a crash leaves either the whole checkpoint or none.
 */
public final class CheckpointStore {

    public static final String PARAMETERS = "parameters.ndlist";
    public static final String OPTIMIZER = "optimizer.ndlist";
    public static final String STATE = "state.json";
    private static final int FORMAT = 1;
    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d{8,})");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A checkpoint read back. The arrays belong to the manager given to {@link #read}. */
    public record Loaded(Path path, TrainingState state, NDList parameters, NDList optimizer, MetricsLog metrics) {}

    private CheckpointStore() {}

    /** Writes a checkpoint into {@code dir} and returns its folder. */
    public static Path write(Path dir, TrainingState state, List<NDArray> parameters, NDList optimizer,
            MetricsLog metrics) throws IOException {
        Files.createDirectories(dir);
        Path target = dir.resolve(String.format(Locale.ROOT, "checkpoint-%08d", state.step()));
        Path temp = Files.createTempDirectory(dir, ".tmp-" + target.getFileName() + "-");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp.resolve(PARAMETERS)))) {
                new NDList(parameters).encode(out);
            }
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp.resolve(OPTIMIZER)))) {
                optimizer.encode(out);
            }
            ObjectNode json = JSON.valueToTree(state);
            json.put("format", FORMAT);
            json.set("metrics", metrics.toJson());
            JSON.writerWithDefaultPrettyPrinter().writeValue(temp.resolve(STATE).toFile(), json);
            if (Files.exists(target)) {
                // Same step written twice (a step checkpoint that is also an epoch end): the later one wins.
                Path old = dir.resolve(".old-" + target.getFileName() + "-" + System.nanoTime());
                AtomicFiles.move(target, old);
                AtomicFiles.move(temp, target);
                deleteTree(old);
            } else {
                AtomicFiles.move(temp, target);
            }
        } finally {
            deleteTree(temp);
        }
        return target;
    }

    /** Checkpoint folders of {@code dir}, oldest first; empty when the folder does not exist. */
    public static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> found = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .filter(p -> Files.isRegularFile(p.resolve(STATE)))
                    .forEach(found::add);
        }
        found.sort(Comparator.comparingLong(CheckpointStore::stepOf));
        return found;
    }

    /** The newest checkpoint in {@code dir}, if any. */
    public static Optional<Path> latest(Path dir) throws IOException {
        List<Path> all = list(dir);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** Deletes all but the newest {@code keep} checkpoints (and leftovers of interrupted writes). */
    public static void prune(Path dir, int keep) throws IOException {
        List<Path> all = list(dir);
        for (int i = 0; i < all.size() - keep; i++) {
            deleteTree(all.get(i));
        }
        List<Path> leftovers;
        try (Stream<Path> s = Files.list(dir)) {
            leftovers = s.filter(p -> p.getFileName().toString().matches("\\.(tmp|old)-checkpoint-.*")).toList();
        }
        for (Path p : leftovers) {
            deleteTree(p);
        }
    }

    /** {@code path} itself when it is a checkpoint, else the newest checkpoint inside it. */
    public static Path resolve(Path path) throws IOException {
        if (Files.isRegularFile(path.resolve(STATE))) {
            return path;
        }
        if (!Files.isDirectory(path)) {
            throw new NoSuchFileException(path.toString(), null, "no such checkpoint or checkpoint directory");
        }
        return latest(path).orElseThrow(() -> new NoSuchFileException(path.toString(), null,
                "no checkpoint-NNNNNNNN folder with a " + STATE + " inside"));
    }

    /** Reads a checkpoint folder; arrays are created on {@code manager}. */
    public static Loaded read(Path checkpoint, NDManager manager) throws IOException {
        Path statePath = checkpoint.resolve(STATE);
        JsonNode json;
        try {
            json = JSON.readTree(statePath.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(statePath + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        int format = json.path("format").asInt(-1);
        if (format != FORMAT) {
            throw new IOException(statePath + ": checkpoint format " + format + ", expected " + FORMAT);
        }
        JsonNode metricsNode = json.path("metrics");
        ObjectNode stateNode = json.deepCopy();
        stateNode.remove("format");
        stateNode.remove("metrics");
        TrainingState state;
        try {
            state = JSON.treeToValue(stateNode, TrainingState.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(statePath + ": " + e.getOriginalMessage(), e);
        }
        MetricsLog metrics = MetricsLog.fromJson(metricsNode instanceof ArrayNode ? metricsNode
                : JSON.createArrayNode());
        return new Loaded(checkpoint, state, decode(checkpoint.resolve(PARAMETERS), manager),
                decode(checkpoint.resolve(OPTIMIZER), manager), metrics);
    }

    private static NDList decode(Path file, NDManager manager) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            return NDList.decode(manager, in);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": not a DJL NDList file: " + e.getMessage(), e);
        }
    }

    private static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        MoreFiles.deleteRecursively(path, RecursiveDeleteOption.ALLOW_INSECURE);
    }

    static long stepOf(Path checkpoint) {
        Matcher m = NAME.matcher(checkpoint.getFileName().toString());
        if (!m.matches()) {
            throw new IllegalArgumentException(checkpoint + " is not a checkpoint-NNNNNNNN folder");
        }
        return Long.parseLong(m.group(1));
    }
}
