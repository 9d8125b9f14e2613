package ai.kard.core.teacher;

import ai.kard.core.internal.data.Jsonl;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client for the OpenAI-compatible {@code POST /v1/chat/completions} protocol (OpenAI, vLLM, llama.cpp server,
 * Ollama), on the JDK HTTP client. Every call retries with exponential backoff and full jitter on 429, 408, 5xx,
 * timeouts, connection errors, bodies that are not JSON and responses without choices, honouring
 * {@code Retry-After}; 401/403 throw {@link TeacherAuthException} at once; other 4xx fail the call without
 * retry. The API key goes into the Authorization header only and is never logged. Thread-safe.
 */
final class ChatCompletionsClient {
    private static final Logger LOG = LoggerFactory.getLogger(ChatCompletionsClient.class);

    /** One chat message. */
    public record Message(String role, String content) {
    }

    /** Waits between retries; tests record the delays instead of sleeping. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final TeacherConfig config;
    private final HttpClient http;
    private final Sleeper sleeper;
    private final AtomicLong retries = new AtomicLong();

    public ChatCompletionsClient(TeacherConfig config) {
        this(config, d -> Thread.sleep(d.toMillis()));
    }

    ChatCompletionsClient(TeacherConfig config, Sleeper sleeper) {
        this.config = config;
        this.sleeper = sleeper;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.timeout()).build();
    }

    /** Retries made so far by all calls (for the summary). */
    public long retries() {
        return retries.get();
    }

    /**
     * Asks for {@code n} completions of {@code messages}. The server may return fewer (some ignore {@code n});
     * callers ask again for the rest.
     *
     * @throws TeacherAuthException on 401/403
     * @throws TeacherException     when retries are exhausted or the request is refused (other 4xx)
     * @throws InterruptedException when the thread is interrupted while waiting
     */
    public ChatResult complete(List<Message> messages, int n) throws IOException, InterruptedException {
        String body = requestBody(messages, n);
        String lastProblem = null;
        for (int attempt = 0; ; attempt++) {
            Duration serverDelay = null;
            try {
                HttpRequest.Builder req = HttpRequest.newBuilder(config.endpoint()).timeout(config.timeout())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body));
                if (config.apiKey() != null) {
                    req.header("Authorization", "Bearer " + config.apiKey());
                }
                HttpResponse<String> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
                int status = resp.statusCode();
                if (status == 200) {
                    Optional<ChatResult> parsed = parse(resp.body());
                    if (parsed.isPresent()) {
                        return parsed.get();
                    }
                    lastProblem = problem(resp.body());
                } else if (status == 401 || status == 403) {
                    throw new TeacherAuthException("the endpoint " + config.endpoint() + " refused the request with HTTP "
                            + status + " (" + snippet(resp.body()) + "): check the API key environment variable"
                            + " and the model name");
                } else if (status == 429 || status == 408 || status >= 500) {
                    lastProblem = "HTTP " + status + " " + snippet(resp.body());
                    serverDelay = retryAfter(resp).orElse(null);
                } else {
                    throw new TeacherException("HTTP " + status + " from " + config.endpoint() + ": " + snippet(resp.body()));
                }
            } catch (HttpTimeoutException e) {
                lastProblem = "timed out after " + config.timeout().toSeconds() + " s";
            } catch (TeacherException e) {
                throw e;
            } catch (IOException e) {
                lastProblem = "connection error: " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : " " + e.getMessage());
            }
            if (attempt >= config.maxRetries()) {
                throw new TeacherException("gave up after " + (attempt + 1) + " tries: " + lastProblem);
            }
            Duration delay = backoff(attempt, serverDelay);
            retries.incrementAndGet();
            LOG.debug("retry {} in {} ms: {}", attempt + 1, delay.toMillis(), lastProblem);
            sleeper.sleep(delay);
        }
    }

    private String requestBody(List<Message> messages, int n) {
        ObjectNode root = Jsonl.MAPPER.createObjectNode();
        root.put("model", config.model());
        ArrayNode msgs = root.putArray("messages");
        for (Message m : messages) {
            msgs.addObject().put("role", m.role()).put("content", m.content());
        }
        root.put("n", n);
        root.put("temperature", config.temperature());
        if (config.maxTokens() > 0) {
            root.put("max_tokens", config.maxTokens());
        }
        return Jsonl.toLine(root);
    }

    /** The result, or empty when the body is not JSON or holds no usable choice (both retried). */
    static Optional<ChatResult> parse(String body) {
        JsonNode root;
        try {
            root = Jsonl.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
        if (root == null || !root.path("choices").isArray() || root.path("choices").isEmpty()) {
            return Optional.empty();
        }
        List<ChatResult.Choice> choices = new ArrayList<>();
        for (JsonNode c : root.path("choices")) {
            JsonNode content = c.path("message").path("content");
            if (content.isTextual()) {
                choices.add(new ChatResult.Choice(content.asText(), Jsonl.optText(c, "finish_reason")));
            }
        }
        if (choices.isEmpty()) {
            return Optional.empty();
        }
        JsonNode usage = root.path("usage");
        return Optional.of(new ChatResult(choices, usage.path("prompt_tokens").asLong(0),
                usage.path("completion_tokens").asLong(0)));
    }

    private static String problem(String body) {
        try {
            JsonNode root = Jsonl.MAPPER.readTree(body);
            return root != null && root.has("choices") ? "response has no choices" : "response is not a chat completion: "
                    + snippet(body);
        } catch (JsonProcessingException e) {
            return "response is not valid JSON: " + snippet(body);
        }
    }

    private static String snippet(String body) {
        String s = body == null ? "" : body.replaceAll("\\s+", " ").strip();
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    /** Retry-After in seconds or as an HTTP date. */
    static Optional<Duration> retryAfter(HttpResponse<?> resp) {
        Optional<String> value = resp.headers().firstValue("Retry-After");
        if (value.isEmpty()) {
            return Optional.empty();
        }
        String v = value.get().strip();
        try {
            return Optional.of(Duration.ofMillis((long) (Double.parseDouble(v) * 1000)));
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (RuntimeException ignored) {
                return Optional.empty();
            }
        }
    }

    /** Server's Retry-After when given (capped), else base * 2^attempt capped, scaled by a random 50-100%. */
    Duration backoff(int attempt, Duration serverDelay) {
        Duration max = config.maxRetryDelay();
        if (serverDelay != null) {
            return serverDelay.compareTo(max) > 0 ? max : serverDelay;
        }
        long base = config.retryBaseDelay().toMillis();
        long exp = attempt >= 30 ? Long.MAX_VALUE : base << attempt;
        long capped = Math.min(max.toMillis(), exp < 0 ? Long.MAX_VALUE : exp);
        return Duration.ofMillis((long) (capped * (0.5 + 0.5 * ThreadLocalRandom.current().nextDouble())));
    }
}
