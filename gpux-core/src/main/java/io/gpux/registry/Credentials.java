package io.gpux.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpux.error.GpuxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where registry tokens come from: the registry's own environment variables first (e.g. {@code
 * HF_TOKEN}), then {@code $GPUX_HOME/credentials.json}, which {@code gpux login} writes with mode
 * 0600 and which is refused when others can read it.
 */
public final class Credentials {
  private static final ObjectMapper MAPPER = io.gpux.json.Json.mapper();

  private final Map<String, String> env;
  private final Path file;

  public Credentials(Map<String, String> env, Path file) {
    this.env = Map.copyOf(env);
    this.file = file;
  }

  public Path file() {
    return file;
  }

  /** The token for {@code registry}: the first of {@code envVars} that is set, else the file. */
  public Optional<Secret> token(String registry, List<String> envVars) {
    for (String var : envVars) {
      String v = env.get(var);
      if (v != null && !v.isBlank()) {
        return Optional.of(new Secret(v.trim()));
      }
    }
    ObjectNode all = read();
    String stored = all.path(registry).path("token").asText(null);
    return stored == null ? Optional.empty() : Optional.of(new Secret(stored));
  }

  /** A stored user name and password (MLflow's basic auth), when {@code gpux login} saved one. */
  public Optional<Map.Entry<String, Secret>> basic(String registry) {
    ObjectNode all = read();
    String user = all.path(registry).path("username").asText(null);
    String password = all.path(registry).path("password").asText(null);
    return user == null || password == null
        ? Optional.empty()
        : Optional.of(Map.entry(user, new Secret(password)));
  }

  /** Saves a user name and password (mode 0600, written atomically). */
  public void storeBasic(String registry, String username, Secret password) {
    ObjectNode all = read();
    all.putObject(registry).put("username", username).put("password", password.reveal());
    write(all);
  }

  /** Saves a token (mode 0600, written atomically). */
  public void store(String registry, Secret token) {
    ObjectNode all = read();
    all.putObject(registry).put("token", token.reveal());
    write(all);
  }

  /** Forgets a stored token; returns whether there was one. */
  public boolean remove(String registry) {
    ObjectNode all = read();
    boolean had = all.remove(registry) != null;
    if (had) {
      write(all);
    }
    return had;
  }

  private ObjectNode read() {
    if (!Files.isRegularFile(file)) {
      return MAPPER.createObjectNode();
    }
    checkPrivate();
    try {
      return (ObjectNode) MAPPER.readTree(file.toFile());
    } catch (IOException | ClassCastException e) {
      throw GpuxException.invalidInput(
          "the credentials file " + file + " is not valid JSON",
          "remove it and run gpux login again");
    }
  }

  private void checkPrivate() {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      for (PosixFilePermission p : perms) {
        if (p.name().startsWith("GROUP") || p.name().startsWith("OTHERS")) {
          throw GpuxException.invalidInput(
              "the credentials file "
                  + file
                  + " can be read by other users (mode "
                  + PosixFilePermissions.toString(perms)
                  + ")",
              "chmod 600 " + file);
        }
      }
    } catch (UnsupportedOperationException | IOException e) {
      // Not a POSIX file system: nothing to check.
    }
  }

  private void write(ObjectNode all) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".credentials", ".tmp");
      try {
        try {
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
          // Not POSIX: the platform's defaults apply.
        }
        MAPPER.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), all);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "cannot write " + file + ": " + e.getMessage(), "check GPUX_HOME's permissions");
    }
  }
}
