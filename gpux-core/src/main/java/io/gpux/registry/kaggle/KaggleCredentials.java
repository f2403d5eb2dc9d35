package io.gpux.registry.kaggle;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpux.error.GpuxException;
import io.gpux.registry.RegistryContext;
import io.gpux.registry.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Kaggle credentials, found as kagglehub and kagglesdk find them, with {@code gpux login kaggle}
 * between the environment and the files:
 *
 * <ol>
 *   <li>{@code KAGGLE_API_TOKEN}: an API token, or the path of a file holding one (Bearer);
 *   <li>{@code KAGGLE_USERNAME} and {@code KAGGLE_KEY}: a legacy API key (Basic);
 *   <li>{@code gpux login kaggle} (a token; with {@code --username}, a legacy key);
 *   <li>{@code ~/.kaggle/access_token} (or {@code access_token.txt}): a token (Bearer);
 *   <li>{@code $KAGGLE_CONFIG_DIR/kaggle.json} (default {@code ~/.kaggle}): {@code {"username",
 *       "key"}} (Basic).
 * </ol>
 *
 * The official client reads the access_token file before the user name and key; GPUX reads every
 * variable first, so what is set for this process wins over what lies in files.
 */
final class KaggleCredentials {
  /** Credentials and where they were found, for messages (never the value). */
  record Found(String source, Map<String, String> headers) {
    @Override
    public String toString() {
      return source; // never the header values
    }
  }

  private final RegistryContext context;

  KaggleCredentials(RegistryContext context) {
    this.context = context;
  }

  Map<String, String> headers() {
    return find().map(Found::headers).orElse(Map.of());
  }

  Optional<Found> find() {
    String token = context.env("KAGGLE_API_TOKEN", null);
    if (token != null) {
      Path file = asFile(token.trim());
      if (file != null) {
        String v = read(file);
        if (v != null) {
          return Optional.of(bearer(new Secret(v), "the file KAGGLE_API_TOKEN names"));
        }
      } else {
        return Optional.of(bearer(new Secret(token.trim()), "KAGGLE_API_TOKEN"));
      }
    }
    String user = context.env("KAGGLE_USERNAME", null);
    String key = context.env("KAGGLE_KEY", null);
    if (user != null && key != null) {
      return Optional.of(basic(user.trim(), new Secret(key.trim()), "KAGGLE_USERNAME/KAGGLE_KEY"));
    }
    if (context.credentials() != null) {
      Optional<Secret> stored = context.credentials().token("kaggle", List.of());
      if (stored.isPresent()) {
        return Optional.of(bearer(stored.get(), "gpux login kaggle"));
      }
      Optional<Map.Entry<String, Secret>> pair = context.credentials().basic("kaggle");
      if (pair.isPresent()) {
        return Optional.of(
            basic(pair.get().getKey(), pair.get().getValue(), "gpux login kaggle --username"));
      }
    }
    String home = context.env().get("HOME");
    if (home != null) {
      for (String name : new String[] {"access_token", "access_token.txt"}) {
        String v = read(Path.of(home, ".kaggle", name));
        if (v != null) {
          return Optional.of(bearer(new Secret(v), "~/.kaggle/" + name));
        }
      }
    }
    String dir = context.env("KAGGLE_CONFIG_DIR", home == null ? null : home + "/.kaggle");
    if (dir != null) {
      Path json = Path.of(dir, "kaggle.json");
      if (Files.isRegularFile(json)) {
        return Optional.of(kaggleJson(json));
      }
    }
    return Optional.empty();
  }

  /** The token's file when {@code value} names an existing one (kagglesdk's test), else null. */
  private static Path asFile(String value) {
    try {
      Path p = Path.of(value);
      return Files.exists(p) ? p : null;
    } catch (RuntimeException notAPath) {
      return null;
    }
  }

  private static String read(Path file) {
    try {
      if (!Files.isRegularFile(file)) {
        return null;
      }
      String v = Files.readString(file, StandardCharsets.UTF_8).trim();
      return v.isEmpty() ? null : v;
    } catch (IOException e) {
      return null;
    }
  }

  private static Found kaggleJson(Path json) {
    JsonNode n;
    try {
      n = io.gpux.json.Json.mapper().readTree(json.toFile());
    } catch (IOException e) {
      n = null;
    }
    if (n == null || !n.isObject()) {
      throw GpuxException.invalidInput(
          "the Kaggle credentials file " + json + " is not valid JSON",
          "write {\"username\": \"...\", \"key\": \"...\"} there, or set KAGGLE_API_TOKEN");
    }
    for (String field : new String[] {"username", "key"}) {
      if (!n.path(field).isTextual() || n.path(field).asText().isBlank()) {
        throw GpuxException.invalidInput(
            "the Kaggle credentials file " + json + " has no '" + field + "'",
            "write {\"username\": \"...\", \"key\": \"...\"} there, or set KAGGLE_API_TOKEN");
      }
    }
    return basic(n.path("username").asText(), new Secret(n.path("key").asText()), json.toString());
  }

  private static Found bearer(Secret token, String source) {
    return new Found(source, Map.of("Authorization", "Bearer " + token.reveal()));
  }

  private static Found basic(String user, Secret key, String source) {
    String pair = user + ":" + key.reveal();
    return new Found(
        source,
        Map.of(
            "Authorization",
            "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8))));
  }
}
