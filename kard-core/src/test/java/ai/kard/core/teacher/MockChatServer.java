package ai.kard.core.teacher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A chat-completions endpoint on 127.0.0.1 for tests. By default it answers every request with {@code n}
 * (at most {@link #maxChoices}) distinct explanations ending "So the answer is (X)." where X is the gold letter
 * read from the prompt. Scripted one-shot behaviours (queued) and per-question failures override that.
 */
final class MockChatServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern GOLD = Pattern.compile("Answer: \\(([A-Z])\\)\\nExplanation:$");

    /** What to do with one request. */
    sealed interface Behaviour permits Status, Slow, Raw, Drop {
    }

    record Status(int code, String retryAfter) implements Behaviour {
    }

    record Slow(long millis) implements Behaviour {
    }

    record Raw(String body) implements Behaviour {
    }

    record Drop() implements Behaviour {
    }

    static Behaviour status(int code) {
        return new Status(code, null);
    }

    static final Behaviour INVALID_JSON = new Raw("this is not { json");
    static final Behaviour EMPTY_CHOICES = new Raw("{\"id\":\"x\",\"choices\":[]}");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    final Queue<Behaviour> script = new ConcurrentLinkedQueue<>();
    /** Questions (by a substring of their text) that always get invalid JSON. */
    final Set<String> alwaysFail = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final List<String> authHeaders = new CopyOnWriteArrayList<>();
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger sequence = new AtomicInteger();
    volatile int maxChoices = Integer.MAX_VALUE;
    /** Delay before every normal answer, so runs can be interrupted with requests in flight. */
    volatile long baseDelayMillis;
    /** When true, every third sample names a wrong option (exercises the filter). */
    volatile boolean someWrong;

    MockChatServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/chat/completions", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            requests.incrementAndGet();
            authHeaders.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            JsonNode req = JSON.readTree(ex.getRequestBody());
            ArrayNode messages = (ArrayNode) req.get("messages");
            String prompt = messages.get(messages.size() - 1).get("content").asText();
            Behaviour b = script.poll();
            if (b == null && alwaysFail.stream().anyMatch(prompt::contains)) {
                b = INVALID_JSON;
            }
            if (b instanceof Drop) {
                return; // closes the connection without a response
            }
            if (b instanceof Slow s) {
                sleep(s.millis());
            } else if (b instanceof Status s) {
                if (s.retryAfter() != null) {
                    ex.getResponseHeaders().add("Retry-After", s.retryAfter());
                }
                send(ex, s.code(), "{\"error\":{\"message\":\"scripted " + s.code() + "\"}}");
                return;
            } else if (b instanceof Raw r) {
                send(ex, 200, r.body());
                return;
            }
            sleep(baseDelayMillis);
            Matcher m = GOLD.matcher(prompt);
            if (!m.find()) {
                send(ex, 400, "{\"error\":\"no gold answer in prompt\"}");
                return;
            }
            char gold = m.group(1).charAt(0);
            int n = Math.min(req.path("n").asInt(1), maxChoices);
            ObjectNode resp = JSON.createObjectNode();
            resp.put("object", "chat.completion");
            ArrayNode choices = resp.putArray("choices");
            for (int i = 0; i < n; i++) {
                int id = sequence.incrementAndGet();
                char letter = someWrong && id % 3 == 0 ? (char) ('A' + (gold - 'A' + 1) % 2) : gold;
                choices.addObject().put("index", i).put("finish_reason", "stop").putObject("message")
                        .put("role", "assistant").put("content", "Reasoning number " + id + ". So the answer is ("
                                + letter + ").");
            }
            resp.putObject("usage").put("prompt_tokens", 100).put("completion_tokens", 10 * n);
            send(ex, 200, JSON.writeValueAsString(resp));
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(HttpExchange ex, int code, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        } catch (IOException ignored) {
            // the client gave up (timeout test)
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
