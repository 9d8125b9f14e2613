package ai.kard.core.hub;

import ai.kard.api.InvalidSettingException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Where HuggingFace hub models are cached and fetched from: the {@code huggingface_hub} environment variables
 * ({@code HF_HOME}, {@code HF_HUB_CACHE}, {@code HF_ENDPOINT}, {@code HF_TOKEN}, {@code HF_HUB_OFFLINE}), or
 * explicit values (tests, embedding applications).
 *
 * @param hubCache the {@code hub} folder holding {@code models--{org}--{name}/}
 * @param endpoint base URL, e.g. {@code https://huggingface.co}
 * @param token    bearer token for gated or private models, or null
 * @param offline  true: never download, resolve from the cache only
 */
public record HubSettings(Path hubCache, String endpoint, String token, boolean offline) {
    /** The HuggingFace hub's address. */
    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

    /**
     * Checks the endpoint, makes the cache folder absolute and drops a blank token.
     *
     * @param hubCache the {@code hub} folder holding {@code models--{org}--{name}/}
     * @param endpoint base URL, e.g. {@code https://huggingface.co}
     * @param token bearer token for gated or private models, or null
     * @param offline true: never download, resolve from the cache only
     */
    public HubSettings {
        Objects.requireNonNull(hubCache, "hubCache");
        hubCache = hubCache.toAbsolutePath().normalize();
        Objects.requireNonNull(endpoint, "endpoint");
        if (!endpoint.startsWith("http://") && !endpoint.startsWith("https://")) {
            throw new InvalidSettingException("hub endpoint \"" + endpoint + "\" must start with http:// or https://");
        }
        endpoint = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        token = token == null || token.isBlank() ? null : token.trim();
    }

    /**
     * From the process environment, with {@code huggingface_hub}'s defaults.
     *
     * @return the settings
     */
    public static HubSettings fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /**
     * From the given environment variables, with {@code huggingface_hub}'s defaults.
     *
     * @param env the environment variables
     * @return the settings
     */
    public static HubSettings fromEnvironment(Map<String, String> env) {
        Path home = env.containsKey("HF_HOME") ? Path.of(env.get("HF_HOME"))
                : env.containsKey("XDG_CACHE_HOME") ? Path.of(env.get("XDG_CACHE_HOME"), "huggingface")
                : Path.of(System.getProperty("user.home"), ".cache", "huggingface");
        String cache = env.getOrDefault("HF_HUB_CACHE", env.get("HUGGINGFACE_HUB_CACHE"));
        Path hub = cache != null ? Path.of(cache) : home.resolve("hub");
        String token = env.getOrDefault("HF_TOKEN", env.get("HUGGING_FACE_HUB_TOKEN"));
        boolean offline = truthy(env.get("HF_HUB_OFFLINE")) || truthy(env.get("TRANSFORMERS_OFFLINE"));
        return new HubSettings(hub, env.getOrDefault("HF_ENDPOINT", DEFAULT_ENDPOINT), token, offline);
    }

    private static boolean truthy(String value) {
        return value != null && Map.of("1", true, "true", true, "yes", true, "on", true)
                .getOrDefault(value.trim().toLowerCase(Locale.ROOT), false);
    }

    /**
     * A copy with downloads switched off or on.
     *
     * @param value true for offline (the cache only)
     * @return the copy
     */
    public HubSettings withOffline(boolean value) {
        return new HubSettings(hubCache, endpoint, token, value);
    }

    @Override
    public String toString() {
        return "HubSettings(cache=" + hubCache + ",endpoint=" + endpoint + ",token=" + (token == null ? "none" : "set")
                + ",offline=" + offline + ")";
    }
}
