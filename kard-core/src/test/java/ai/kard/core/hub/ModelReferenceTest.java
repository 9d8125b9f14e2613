package ai.kard.core.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.kard.api.InvalidInputException;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hub references against a loopback HTTP server that serves a generated model folder like the hub does. */
class ModelReferenceTest {
    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    Path temp;
    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private Path served;

    @BeforeEach
    void serve() throws IOException {
        served = Files.createDirectories(temp.resolve("served"));
        Files.writeString(served.resolve("config.json"), "{\"model_type\":\"bert\"}");
        Files.write(served.resolve("model-00001-of-00002.safetensors"), bytes(300_000, 1));
        Files.write(served.resolve("model-00002-of-00002.safetensors"), bytes(1000, 2));
        Files.writeString(served.resolve("model.safetensors.index.json"), "{\"metadata\":{},\"weight_map\":{"
                + "\"a\":\"model-00001-of-00002.safetensors\",\"b\":\"model-00002-of-00002.safetensors\"}}");
        Files.writeString(served.resolve("tokenizer.json"), "{\"model\":{}}");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requests.add(path);
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (auth != null) {
                authorizations.add(auth);
            }
            String prefix = "/org/tiny-bert/resolve/";
            Path file = null;
            if (path.startsWith(prefix)) {
                String rest = path.substring(prefix.length());
                String file0 = rest.substring(rest.indexOf('/') + 1);
                file = served.resolve(file0);
            }
            if (file == null || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            byte[] body = Files.readAllBytes(file);
            exchange.getResponseHeaders().add("X-Repo-Commit", COMMIT);
            exchange.getResponseHeaders().add("ETag", "\"etag-" + file.getFileName().toString().hashCode() + "\"");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    private HubSettings settings(boolean offline) {
        return new HubSettings(temp.resolve("hf/hub"), "http://127.0.0.1:" + server.getAddress().getPort(),
                "secret-token", offline);
    }

    @Test
    void downloadsIntoTheHfCacheLayoutThenHitsTheCache() throws IOException {
        ModelReference references = new ModelReference(settings(false));
        Path folder = references.resolve("org/tiny-bert");

        Path repo = temp.resolve("hf/hub/models--org--tiny-bert");
        assertThat(folder).isEqualTo(repo.resolve("snapshots").resolve(COMMIT));
        assertThat(Files.readString(repo.resolve("refs/main"))).isEqualTo(COMMIT);
        for (String file : List.of("config.json", "model.safetensors.index.json", "model-00001-of-00002.safetensors",
                "model-00002-of-00002.safetensors", "tokenizer.json")) {
            assertThat(Files.readAllBytes(folder.resolve(file))).as(file)
                    .isEqualTo(Files.readAllBytes(served.resolve(file)));
        }
        assertThat(folder.resolve("vocab.txt")).doesNotExist();
        try (var blobs = Files.list(repo.resolve("blobs"))) {
            assertThat(blobs.map(p -> p.getFileName().toString())).hasSize(5).noneMatch(n -> n.contains("incomplete"));
        }
        assertThat(authorizations).isNotEmpty().allMatch(a -> a.equals("Bearer secret-token"));
        // Files after config.json are pinned to the commit the server named.
        assertThat(requests).contains("/org/tiny-bert/resolve/" + COMMIT + "/model-00002-of-00002.safetensors");

        int before = requests.size();
        assertThat(new ModelReference(settings(true)).resolve("org/tiny-bert")).isEqualTo(folder);
        assertThat(references.resolve("org/tiny-bert")).isEqualTo(folder);
        assertThat(requests).hasSize(before);
    }

    @Test
    void offlineAndAbsentSaysWhatToDownloadAndWhere() {
        ModelReference references = new ModelReference(settings(true));
        Path expectedFolder = temp.resolve("hf/hub/models--org--tiny-bert/snapshots/main");
        assertThatThrownBy(() -> references.resolve("org/tiny-bert"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("huggingface-cli download org/tiny-bert")
                .hasMessageContaining(expectedFolder.toString());
        assertThat(requests).isEmpty();
    }

    @Test
    void missingModelOnTheHubIsAnError() {
        ModelReference references = new ModelReference(settings(false));
        assertThatThrownBy(() -> references.resolve("org/other")).isInstanceOf(IOException.class)
                .hasMessageContaining("404");
    }

    @Test
    void localFolderIsUsedAsItIs() throws IOException {
        ModelReference references = new ModelReference(settings(true));
        assertThat(references.resolve(served.toString())).isEqualTo(served.toAbsolutePath().normalize());
        assertThatThrownBy(() -> references.resolve(temp.resolve("nowhere").toString()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("no such folder");
    }

    @Test
    void handPlacedSnapshotFolderIsFound() throws IOException {
        Path snapshot = Files.createDirectories(temp.resolve("hf/hub/models--solo/snapshots/main"));
        Files.writeString(snapshot.resolve("config.json"), "{}");
        Files.write(snapshot.resolve("model.safetensors"), new byte[8]);
        assertThat(new ModelReference(settings(true)).resolve("solo")).isEqualTo(snapshot);
    }

    @Test
    void cachedSnapshotWithoutSafetensorsIsExplained() throws IOException {
        Path snapshot = Files.createDirectories(temp.resolve("hf/hub/models--org--old/snapshots/" + COMMIT));
        Files.writeString(snapshot.resolve("config.json"), "{}");
        Files.write(snapshot.resolve("pytorch_model.bin"), new byte[8]);
        Files.writeString(Files.createDirectories(temp.resolve("hf/hub/models--org--old/refs")).resolve("main"),
                COMMIT);
        assertThatThrownBy(() -> new ModelReference(settings(true)).resolve("org/old"))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining(snapshot.toString())
                .hasMessageContaining("safetensors");
    }

    @Test
    void environmentDefaults() {
        HubSettings s = HubSettings.fromEnvironment(Map.of("HF_HOME", temp.toString(), "HF_HUB_OFFLINE", "1",
                "HF_ENDPOINT", "http://127.0.0.1:9/"));
        assertThat(s.hubCache()).isEqualTo(temp.resolve("hub"));
        assertThat(s.offline()).isTrue();
        assertThat(s.endpoint()).isEqualTo("http://127.0.0.1:9");
        assertThat(s.token()).isNull();
        assertThat(HubSettings.fromEnvironment(Map.of()).endpoint()).isEqualTo(HubSettings.DEFAULT_ENDPOINT);
        assertThat(ModelReference.parseHubId("org/name@v1.0")).get()
                .isEqualTo(new ModelReference.HubId("org/name", "v1.0"));
    }
}
