package ai.kard.core.hub;

import ai.kard.api.InvalidInputException;
import ai.kard.core.internal.checkpoint.AtomicFiles;
import ai.kard.core.checkpoint.CheckpointException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a model reference into a local HF model folder: a folder path as it is; a hub id {@code org/name} (or
 * {@code name}, optionally {@code @revision}) from the local HF cache
 * ({@code <hub>/models--org--name/snapshots/<commit>/}, {@code refs/<revision>} naming the commit); when online and
 * absent, downloaded from {@code <endpoint>/<id>/resolve/<revision>/<file>} into that cache layout (content in
 * {@code blobs/}, the snapshot entries link to them, or are copies where links are not allowed), so that Python
 * {@code transformers} finds the same files. Every file is written to a temporary name and renamed when complete.
 */
public final class ModelReference {
    private static final Logger LOG = LoggerFactory.getLogger(ModelReference.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HUB_ID = Pattern.compile(
            "([A-Za-z0-9][A-Za-z0-9._-]*(?:/[A-Za-z0-9][A-Za-z0-9._-]*)?)(?:@([A-Za-z0-9][A-Za-z0-9._/-]*))?");
    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
    /** Fetched when present; a 404 is fine. */
    static final List<String> OPTIONAL_FILES = List.of("tokenizer.json", "tokenizer_config.json",
            "special_tokens_map.json", "vocab.txt");
    private static final long PROGRESS_INTERVAL_NANOS = 2_000_000_000L;

    private final HubSettings settings;
    private final HttpClient http;

    /**
     * A resolver with the given hub settings.
     *
     * @param settings cache folder, endpoint, token, offline
     */
    public ModelReference(HubSettings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30)).build();
    }

    /**
     * Settings from the environment ({@code HF_HOME}, {@code HF_ENDPOINT}, {@code HF_TOKEN}, {@code HF_HUB_OFFLINE}).
     *
     * @return the resolver
     */
    public static ModelReference fromEnvironment() {
        return new ModelReference(HubSettings.fromEnvironment());
    }

    /**
     * The hub settings.
     *
     * @return the settings
     */
    public HubSettings settings() {
        return settings;
    }

    /** A hub id and revision. */
    public record HubId(String id, String revision) {
        /**
         * {@code models--org--name}.
         *
         * @return the folder name
         */
        public String cacheFolderName() {
            return "models--" + id.replace("/", "--");
        }
    }

    /**
     * The hub id a reference names, if it has that form.
     *
     * @param reference a model folder or a hub id
     * @return the hub id, or empty
     */
    public static Optional<HubId> parseHubId(String reference) {
        Matcher m = HUB_ID.matcher(reference);
        if (!m.matches() || reference.contains("..")) {
            return Optional.empty();
        }
        return Optional.of(new HubId(m.group(1), m.group(2) == null ? "main" : m.group(2)));
    }

    /**
     * The local folder for {@code reference}.
     *
     * @throws InvalidInputException when it names neither a folder nor a hub id, or the model is not cached and
     *                               downloads are off (the message says what to download and where to put it)
     * @throws IOException           when a download fails
     * @param reference a model folder or a hub id
     * @return the folder
     */
    public Path resolve(String reference) throws IOException {
        if (reference == null || reference.isBlank()) {
            throw new InvalidInputException("model reference is empty: give a folder or a hub id such as org/name");
        }
        Path asPath = Path.of(reference);
        if (Files.isDirectory(asPath)) {
            return asPath.toAbsolutePath().normalize();
        }
        Optional<HubId> parsed = looksLikePath(reference) ? Optional.empty() : parseHubId(reference);
        if (parsed.isEmpty()) {
            throw new InvalidInputException("model reference \"" + reference
                    + "\": no such folder, and not a hub id (org/name)");
        }
        HubId hubId = parsed.get();
        Optional<Path> cached = cachedSnapshot(hubId);
        if (cached.isPresent()) {
            LOG.debug("{}: using cached snapshot {}", reference, cached.get());
            return cached.get();
        }
        Path repo = settings.hubCache().resolve(hubId.cacheFolderName());
        if (settings.offline()) {
            Optional<Path> partial = snapshotCandidates(hubId).stream()
                    .filter(p -> Files.isRegularFile(p.resolve("config.json"))).findFirst();
            if (partial.isPresent()) {
                throw new InvalidInputException("model " + hubId.id() + ": the cached snapshot " + partial.get()
                        + " has no model.safetensors (or some shards are missing); Kard reads safetensors only:"
                        + " download them with `huggingface-cli download " + hubId.id() + "` or convert the weights"
                        + " with save_pretrained(dir, safe_serialization=True) into that folder");
            }
            throw new InvalidInputException("model " + hubId.id() + " (revision " + hubId.revision()
                    + ") is not in the HuggingFace cache and downloads are off (HF_HUB_OFFLINE): run `huggingface-cli"
                    + " download " + hubId.id() + "` on a connected machine and copy " + repo + " here, or put"
                    + " config.json, model.safetensors and tokenizer.json into " + repo.resolve("snapshots")
                    .resolve(hubId.revision()) + ", or pass a local folder (no local folder named \"" + reference
                    + "\" exists)");
        }
        return download(hubId);
    }

    private static boolean looksLikePath(String reference) {
        return reference.startsWith("/") || reference.startsWith(".") || reference.startsWith("~")
                || reference.contains("\\") || reference.split("/").length > 2;
    }

    /**
     * The cached snapshot of {@code hubId} when it is complete (config and every weight file present).
     *
     * @param hubId the hub id
     * @return the snapshot folder, or empty
     * @throws IOException when the cache cannot be read
     */
    public Optional<Path> cachedSnapshot(HubId hubId) throws IOException {
        for (Path snapshot : snapshotCandidates(hubId)) {
            if (isComplete(snapshot)) {
                return Optional.of(snapshot);
            }
        }
        return Optional.empty();
    }

    /** The snapshot {@code refs/<revision>} names, then {@code snapshots/<revision>} (placed by hand). */
    private List<Path> snapshotCandidates(HubId hubId) throws IOException {
        Path repo = settings.hubCache().resolve(hubId.cacheFolderName());
        List<Path> candidates = new ArrayList<>();
        Path ref = repo.resolve("refs").resolve(hubId.revision());
        if (Files.isRegularFile(ref)) {
            String commit = Files.readString(ref).trim();
            if (COMMIT.matcher(commit).matches()) {
                candidates.add(repo.resolve("snapshots").resolve(commit));
            }
        }
        candidates.add(repo.resolve("snapshots").resolve(hubId.revision()));
        return candidates;
    }

    private static boolean isComplete(Path folder) throws IOException {
        if (!Files.isRegularFile(folder.resolve("config.json"))) {
            return false;
        }
        if (Files.isRegularFile(folder.resolve("model.safetensors"))) {
            return true;
        }
        Path index = folder.resolve("model.safetensors.index.json");
        if (!Files.isRegularFile(index)) {
            return false;
        }
        for (String shard : shards(index)) {
            if (!Files.isRegularFile(folder.resolve(shard))) {
                return false;
            }
        }
        return true;
    }

    private static Set<String> shards(Path index) throws IOException {
        JsonNode map = JSON.readTree(index.toFile()).get("weight_map");
        if (map == null || !map.isObject()) {
            throw new CheckpointException(index, "no \"weight_map\" object");
        }
        Set<String> shards = new LinkedHashSet<>();
        map.fields().forEachRemaining(e -> shards.add(e.getValue().asText()));
        for (String shard : shards) {
            if (shard.contains("..") || shard.startsWith("/")) {
                throw new CheckpointException(index, "shard name \"" + shard + "\" leaves the model folder");
            }
        }
        return shards;
    }

    private Path download(HubId hubId) throws IOException {
        Path repo = settings.hubCache().resolve(hubId.cacheFolderName());
        LOG.info("downloading {} (revision {}) from {} into {}", hubId.id(), hubId.revision(), settings.endpoint(),
                repo);
        Fetched config = fetch(hubId, hubId.revision(), "config.json", repo, null, true).orElseThrow();
        // Pin every later file to the commit the first answer named, so a push in between cannot mix revisions.
        String commit = config.commit() != null ? config.commit()
                : COMMIT.matcher(hubId.revision()).matches() ? hubId.revision() : null;
        String pinned = commit != null ? commit : hubId.revision();
        Path snapshot = repo.resolve("snapshots").resolve(pinned);
        link(config.blob(), snapshot.resolve("config.json"));
        Optional<Fetched> single = fetch(hubId, pinned, "model.safetensors", repo, snapshot, false);
        if (single.isEmpty()) {
            Optional<Fetched> index = fetch(hubId, pinned, "model.safetensors.index.json", repo, snapshot, false);
            if (index.isEmpty()) {
                throw new InvalidInputException("model " + hubId.id() + " has no model.safetensors or"
                        + " model.safetensors.index.json at revision " + hubId.revision() + " (Kard reads safetensors"
                        + " only; convert pytorch_model.bin with save_pretrained(dir, safe_serialization=True))");
            }
            for (String shard : shards(snapshot.resolve("model.safetensors.index.json"))) {
                fetch(hubId, pinned, shard, repo, snapshot, true);
            }
        }
        for (String file : OPTIONAL_FILES) {
            fetch(hubId, pinned, file, repo, snapshot, false);
        }
        if (!pinned.equals(hubId.revision())) {
            AtomicFiles.write(repo.resolve("refs").resolve(hubId.revision()), pinned.getBytes(StandardCharsets.UTF_8));
        }
        LOG.info("{} is ready in {}", hubId.id(), snapshot);
        return snapshot;
    }

    private record Fetched(Path blob, String commit) {
    }

    /**
     * Downloads one file into {@code blobs/} and (when {@code snapshot} is given) links it into the snapshot.
     * Empty when the file does not exist and is not {@code required}.
     */
    private Optional<Fetched> fetch(HubId hubId, String revision, String file, Path repo, Path snapshot,
            boolean required) throws IOException {
        URI uri = URI.create(settings.endpoint() + "/" + hubId.id() + "/resolve/"
                + URLEncoder.encode(revision, StandardCharsets.UTF_8) + "/" + file);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(Duration.ofMinutes(10))
                .header("User-Agent", "kard");
        if (settings.token() != null) {
            request.header("Authorization", "Bearer " + settings.token());
        }
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("download of " + uri + " interrupted");
        } catch (IOException e) {
            // Offline or the hub is down: the caller fixes it (a local folder, the cache, HF_HUB_OFFLINE=1).
            throw new InvalidInputException("model " + hubId.id() + ": cannot reach " + settings.endpoint() + " ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                    + "); give a local model folder, or set HF_HUB_OFFLINE=1 to use the cache in " + settings.hubCache(),
                    e);
        }
        try (InputStream body = response.body()) {
            int status = response.statusCode();
            if (status == 404 && !required) {
                return Optional.empty();
            }
            if (status == 401 || status == 403) {
                throw new InvalidInputException(uri + ": HTTP " + status + " (a gated or private model: accept its"
                        + " license on the hub and set HF_TOKEN)");
            }
            if (status != 200) {
                throw new IOException(uri + ": HTTP " + status);
            }
            String commit = response.headers().firstValue("X-Repo-Commit").orElse(null);
            long total = response.headers().firstValueAsLong("Content-Length").orElse(-1);
            Path blobs = repo.resolve("blobs");
            Files.createDirectories(blobs);
            Path temp = Files.createTempFile(blobs, ".download-", ".incomplete");
            try {
                String sha256 = copyWithProgress(body, temp, total, hubId.id() + "/" + file);
                String etag = response.headers().firstValue("X-Linked-Etag")
                        .or(() -> response.headers().firstValue("ETag")).map(ModelReference::cleanEtag)
                        .filter(e -> e.matches("[0-9A-Za-z-]+")).orElse(sha256);
                Path blob = blobs.resolve(etag);
                AtomicFiles.move(temp, blob);
                if (snapshot != null) {
                    link(blob, snapshot.resolve(file));
                }
                return Optional.of(new Fetched(blob, commit != null && COMMIT.matcher(commit).matches() ? commit
                        : null));
            } finally {
                Files.deleteIfExists(temp);
            }
        }
    }

    private static String cleanEtag(String etag) {
        String value = etag.startsWith("W/") ? etag.substring(2) : etag;
        return value.replace("\"", "").trim();
    }

    private static String copyWithProgress(InputStream in, Path target, long total, String what) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long start = System.nanoTime();
        long lastLog = start;
        long done = 0;
        byte[] buffer = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(target)) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                out.write(buffer, 0, read);
                digest.update(buffer, 0, read);
                done += read;
                long now = System.nanoTime();
                if (now - lastLog > PROGRESS_INTERVAL_NANOS) {
                    lastLog = now;
                    LOG.info("downloading {}: {}{}", what, megabytes(done),
                            total > 0 ? " of " + megabytes(total) + " (" + (100 * done / total) + "%)" : "");
                }
            }
        }
        if (total >= 0 && done != total) {
            throw new IOException("download of " + what + " ended after " + done + " of " + total + " bytes");
        }
        LOG.info("downloaded {} ({}) in {} s", what, megabytes(done),
                String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9));
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String megabytes(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    /** Points {@code entry} at {@code blob} with a relative link (as huggingface_hub does), or copies it. */
    private static void link(Path blob, Path entry) throws IOException {
        Files.createDirectories(entry.getParent());
        Path temp = entry.resolveSibling("." + entry.getFileName() + ".link-" + System.nanoTime());
        try {
            try {
                Files.createSymbolicLink(temp, entry.getParent().relativize(blob));
            } catch (UnsupportedOperationException | IOException e) {
                Files.copy(blob, temp, StandardCopyOption.REPLACE_EXISTING);
            }
            AtomicFiles.move(temp, entry);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    @Override
    public String toString() {
        return "ModelReference(" + settings + ")";
    }
}
