package io.gpux.registry.wandb;

import io.gpux.registry.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Reads the password of one machine from a {@code ~/.netrc}, as {@code wandb login} writes it. */
final class Netrc {
  private Netrc() {}

  static Optional<Secret> password(Path file, String host) {
    if (host == null || !Files.isRegularFile(file)) {
      return Optional.empty();
    }
    String[] tokens;
    try {
      tokens = Files.readString(file).trim().split("\\s+");
    } catch (IOException e) {
      return Optional.empty();
    }
    boolean inMachine = false;
    for (int i = 0; i + 1 < tokens.length; i++) {
      switch (tokens[i]) {
        case "machine" -> inMachine = tokens[++i].equalsIgnoreCase(host);
        case "default" -> inMachine = false;
        case "password" -> {
          String v = tokens[++i];
          if (inMachine) {
            return Optional.of(new Secret(v));
          }
        }
        default -> {}
      }
    }
    return Optional.empty();
  }
}
