package io.gpux.registry.oci;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpux.error.GpuxException;
import io.gpux.registry.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Docker's {@code config.json} ({@code $DOCKER_CONFIG/config.json}, default {@code
 * ~/.docker/config.json}), read as the docker CLI reads it: a {@code credHelpers} entry for the
 * host first, then the host's {@code auths} entry ({@code auth}: base64 of {@code user:password},
 * or {@code username}/{@code password}), then the {@code credsStore} helper. A helper is the
 * program {@code docker-credential-NAME}, run with {@code get} and the host on its standard input;
 * it answers {@code {"Username": ..., "Secret": ...}}.
 */
final class DockerConfig {
  private final Path file;
  private final Map<String, String> env;

  private DockerConfig(Path file, Map<String, String> env) {
    this.file = file;
    this.env = env;
  }

  static DockerConfig of(Map<String, String> env) {
    String dir = env.get("DOCKER_CONFIG");
    if (dir == null || dir.isBlank()) {
      String home = env.getOrDefault("HOME", System.getProperty("user.home"));
      dir = Path.of(home, ".docker").toString();
    }
    return new DockerConfig(Path.of(dir, "config.json"), env);
  }

  Optional<OciLogin> lookup(String host) {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    JsonNode config;
    try {
      config = io.gpux.json.Json.mapper().readTree(file.toFile());
    } catch (IOException e) {
      throw GpuxException.invalidInput(
          file + " is not valid JSON: " + e.getMessage(),
          "fix it (docker login rewrites it), or point DOCKER_CONFIG at another folder");
    }
    String helper = config.path("credHelpers").path(host).asText(null);
    if (helper != null && !helper.isBlank()) {
      return helper(helper, host);
    }
    List<String> keys =
        new java.util.ArrayList<>(
            List.of(
                host,
                "https://" + host,
                "http://" + host,
                "https://" + host + "/v1/",
                "https://" + host + "/v2/"));
    if (OciHosts.DOCKER_HUB.contains(host)) {
      keys.add("https://index.docker.io/v1/"); // where docker login stores Docker Hub's entry
    }
    for (String key : keys) {
      JsonNode auth = config.path("auths").get(key);
      if (auth != null) {
        Optional<OciLogin> login = fromAuths(auth, key);
        if (login.isPresent()) {
          return login;
        }
      }
    }
    String store = config.path("credsStore").asText(null);
    if (store != null && !store.isBlank()) {
      return helper(store, host);
    }
    return Optional.empty();
  }

  private Optional<OciLogin> fromAuths(JsonNode auth, String key) {
    String from = file + " (auths." + key + ")";
    String encoded = auth.path("auth").asText("");
    if (!encoded.isEmpty()) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(encoded.trim()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw GpuxException.invalidInput(
            "the auth of " + key + " in " + file + " is not base64",
            "run docker login " + key + " again");
      }
      int colon = decoded.indexOf(':');
      if (colon > 0) {
        return Optional.of(
            OciLogin.basic(
                decoded.substring(0, colon), new Secret(decoded.substring(colon + 1)), from));
      }
    }
    String user = auth.path("username").asText("");
    String password = auth.path("password").asText("");
    if (!user.isEmpty() && !password.isEmpty()) {
      return Optional.of(OciLogin.basic(user, new Secret(password), from));
    }
    String registryToken = auth.path("registrytoken").asText("");
    if (!registryToken.isEmpty()) {
      return Optional.of(OciLogin.bearer(new Secret(registryToken), from));
    }
    return Optional.empty();
  }

  private Optional<OciLogin> helper(String name, String host) {
    if (!name.matches("[A-Za-z0-9._-]+")) {
      throw GpuxException.invalidInput(
          "the credential helper '" + name + "' in " + file + " is not a plain program name",
          "name a docker-credential-<name> program on PATH");
    }
    String program = "docker-credential-" + name;
    Path found = onPath(program);
    if (found == null) {
      throw GpuxException.unavailable(
          file + " names the credential helper " + program + ", which is not on PATH",
          "install it, or remove it from " + file + " and use gpux login oci://" + host);
    }
    try {
      Process p =
          new ProcessBuilder(found.toString(), "get")
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      try (OutputStream in = p.getOutputStream()) {
        in.write(host.getBytes(StandardCharsets.UTF_8));
      }
      byte[] out;
      try (InputStream o = p.getInputStream()) {
        out = o.readNBytes(1 << 20);
      }
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw GpuxException.unavailable(
            program + " get did not answer within 30 s", "check the helper outside gpux");
      }
      if (p.exitValue() != 0) {
        return Optional.empty(); // "credentials not found in native keychain"
      }
      JsonNode answer = io.gpux.json.Json.mapper().readTree(out);
      String user = answer.path("Username").asText("");
      String secret = answer.path("Secret").asText("");
      if (secret.isEmpty()) {
        return Optional.empty();
      }
      String from = program;
      return Optional.of(
          user.isEmpty() || user.equals("<token>")
              ? OciLogin.bearer(new Secret(secret), from)
              : OciLogin.basic(user, new Secret(secret), from));
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "cannot run " + program + ": " + e.getMessage(), "check the helper outside gpux");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw GpuxException.unavailable("interrupted while running " + program, null);
    }
  }

  private Path onPath(String program) {
    String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path p = Path.of(dir, program);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }
}
