package ai.kard.core.teacher;

import ai.kard.api.InvalidSettingException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a teacher run. Build with {@link #builder(String, String)}; {@code build()} validates every value
 * and names the bad one. {@link #toString()} never shows the API key.
 *
 * @param endpoint       chat-completions URL (normalised to end with {@code /v1/chat/completions})
 * @param model          the model name sent to the server
 * @param samples        rationales wanted per question
 * @param temperature    sampling temperature
 * @param maxTokens      max_tokens per completion, or 0 to let the server decide
 * @param concurrency    questions in flight at once
 * @param timeout        per-request timeout
 * @param maxRetries     retries per request after the first try
 * @param retryBaseDelay first backoff delay; doubled per retry, with jitter
 * @param maxRetryDelay  cap on one backoff delay (and on a server's Retry-After)
 * @param apiKey         bearer token, or null for servers without authentication
 * @param maxConsecutiveFailures stop the run after this many questions in a row failed (a dead or
 *                       misconfigured server), 0 = never
 */
public record TeacherConfig(URI endpoint, String model, int samples, double temperature, int maxTokens,
                            int concurrency, Duration timeout, int maxRetries, Duration retryBaseDelay,
                            Duration maxRetryDelay, String apiKey, int maxConsecutiveFailures) {

    /**
     * Checks the values.
     *
     * @param endpoint chat-completions URL (normalised to end with {@code /v1/chat/completions})
     * @param model the model name sent to the server
     * @param samples rationales wanted per question
     * @param temperature sampling temperature
     * @param maxTokens max_tokens per completion, or 0 to let the server decide
     * @param concurrency questions in flight at once
     * @param timeout per-request timeout
     * @param maxRetries retries per request after the first try
     * @param retryBaseDelay first backoff delay; doubled per retry, with jitter
     * @param maxRetryDelay cap on one backoff delay (and on a server's Retry-After)
     * @param apiKey bearer token, or null for servers without authentication
     * @param maxConsecutiveFailures stop the run after this many questions in a row failed (a dead or misconfigured
     *     server), 0 = never
     */
    public TeacherConfig {
        Objects.requireNonNull(endpoint, "endpoint");
        if (model == null || model.isBlank()) {
            throw new InvalidSettingException("model name is empty");
        }
        if (samples < 1 || samples > 128) {
            throw new InvalidSettingException("samples " + samples + " is outside 1..128");
        }
        if (!(temperature >= 0 && temperature <= 2)) {
            throw new InvalidSettingException("temperature " + temperature + " is outside 0..2");
        }
        if (maxTokens < 0) {
            throw new InvalidSettingException("max tokens " + maxTokens + " is negative");
        }
        if (concurrency < 1 || concurrency > 256) {
            throw new InvalidSettingException("concurrency " + concurrency + " is outside 1..256");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new InvalidSettingException("timeout " + timeout + " must be positive");
        }
        if (maxRetries < 0 || maxRetries > 100) {
            throw new InvalidSettingException("max retries " + maxRetries + " is outside 0..100");
        }
        if (maxConsecutiveFailures < 0) {
            throw new InvalidSettingException("max consecutive failures " + maxConsecutiveFailures + " is negative");
        }
        if (retryBaseDelay.isNegative() || maxRetryDelay.compareTo(retryBaseDelay) < 0) {
            throw new InvalidSettingException("retry delays base " + retryBaseDelay + " / max " + maxRetryDelay
                    + " must satisfy 0 <= base <= max");
        }
    }

    /**
     * Accepts {@code http://host:8000}, {@code .../v1} or the full {@code .../v1/chat/completions}.
     *
     * @param endpoint the endpoint as given
     * @return the chat completions URI
     */
    public static URI chatCompletionsUri(String endpoint) {
        String e = endpoint.strip();
        if (!e.startsWith("http://") && !e.startsWith("https://")) {
            throw new InvalidSettingException("endpoint '" + endpoint + "' must start with http:// or https://");
        }
        while (e.endsWith("/")) {
            e = e.substring(0, e.length() - 1);
        }
        if (!e.endsWith("/chat/completions")) {
            e = e.endsWith("/v1") ? e + "/chat/completions" : e + "/v1/chat/completions";
        }
        try {
            return URI.create(e);
        } catch (IllegalArgumentException ex) {
            throw new InvalidSettingException("endpoint '" + endpoint + "' is not a valid URL: " + ex.getMessage());
        }
    }

    /**
     * A builder for an endpoint and model.
     *
     * @param endpoint the endpoint ({@link #chatCompletionsUri} forms)
     * @param model the model name sent with each request
     * @return the builder
     */
    public static Builder builder(String endpoint, String model) {
        return new Builder(endpoint, model);
    }

    @Override
    public String toString() {
        return "TeacherConfig(endpoint=" + endpoint + ", model=" + model + ", samples=" + samples + ", temperature="
                + temperature + ", maxTokens=" + maxTokens + ", concurrency=" + concurrency + ", timeout=" + timeout
                + ", maxRetries=" + maxRetries + ", retryBaseDelay=" + retryBaseDelay + ", maxRetryDelay="
                + maxRetryDelay + ", apiKey=" + (apiKey == null ? "none" : "***") + ", maxConsecutiveFailures="
                + maxConsecutiveFailures + ")";
    }

    /**
     * Fluent builder; defaults: 10 samples, temperature 0.7, concurrency 4, 120 s timeout, 6 retries from 1 s up
     * to 120 s, stop after 20 failed questions in a row.
     */
    public static final class Builder {
        private final String endpoint;
        private final String model;
        private int samples = 10;
        private double temperature = 0.7;
        private int maxTokens;
        private int concurrency = 4;
        private Duration timeout = Duration.ofSeconds(120);
        private int maxRetries = 6;
        private Duration retryBaseDelay = Duration.ofSeconds(1);
        private Duration maxRetryDelay = Duration.ofSeconds(120);
        private String apiKey;
        private int maxConsecutiveFailures = 20;

        private Builder(String endpoint, String model) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
            this.model = model;
        }

        /**
         * Rationales asked for per question (default 10).
         *
         * @param n the number
         * @return this builder
         */
        public Builder samples(int n) {
            this.samples = n;
            return this;
        }

        /**
         * The sampling temperature (default 0.7).
         *
         * @param t the temperature
         * @return this builder
         */
        public Builder temperature(double t) {
            this.temperature = t;
            return this;
        }

        /**
         * max_tokens per completion (default 0: the server decides).
         *
         * @param n the number
         * @return this builder
         */
        public Builder maxTokens(int n) {
            this.maxTokens = n;
            return this;
        }

        /**
         * Requests in flight at once (default 4).
         *
         * @param n the number
         * @return this builder
         */
        public Builder concurrency(int n) {
            this.concurrency = n;
            return this;
        }

        /**
         * The timeout of one request (default 120 s).
         *
         * @param d the timeout
         * @return this builder
         */
        public Builder timeout(Duration d) {
            this.timeout = Objects.requireNonNull(d, "timeout");
            return this;
        }

        /**
         * Retries of a failed request (default 6).
         *
         * @param n the number
         * @return this builder
         */
        public Builder maxRetries(int n) {
            this.maxRetries = n;
            return this;
        }

        /**
         * The backoff between retries (default 1 s doubling up to 120 s).
         *
         * @param base the first delay
         * @param max the longest delay
         * @return this builder
         */
        public Builder retryDelays(Duration base, Duration max) {
            this.retryBaseDelay = Objects.requireNonNull(base, "base");
            this.maxRetryDelay = Objects.requireNonNull(max, "max");
            return this;
        }

        /**
         * The bearer token sent to the endpoint (blank or null: none).
         *
         * @param key the key
         * @return this builder
         */
        public Builder apiKey(String key) {
            this.apiKey = key == null || key.isBlank() ? null : key;
            return this;
        }

        /**
         * Stop after this many failed questions in a row (default 20).
         *
         * @param n the number
         * @return this builder
         */
        public Builder maxConsecutiveFailures(int n) {
            this.maxConsecutiveFailures = n;
            return this;
        }

        /**
         * The configuration.
         *
         * @return the configuration
         */
        public TeacherConfig build() {
            return new TeacherConfig(chatCompletionsUri(endpoint), model, samples, temperature, maxTokens, concurrency,
                    timeout, maxRetries, retryBaseDelay, maxRetryDelay, apiKey, maxConsecutiveFailures);
        }
    }
}
