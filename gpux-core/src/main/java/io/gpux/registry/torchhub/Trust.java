package io.gpux.registry.torchhub;

import io.gpux.error.GpuxException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which hub repositories may run: torch.hub's rules. Its implicitly trusted owners, and a list of
 * {@code owner_repo} lines ({@code GPUX_HOME/torchhub/trusted_list}, torch.hub's format, so a
 * user's {@code ~/.cache/torch/hub/trusted_list} can be copied in); {@code --trust} appends to it,
 * as torch.hub's {@code trust_repo=True} does.
 */
final class Trust {
  /** torch.hub's {@code _TRUSTED_REPO_OWNERS}. */
  static final Set<String> TRUSTED_OWNERS =
      Set.of("facebookresearch", "facebookincubator", "pytorch", "fairinternal");

  private final Path list;

  Trust(Path home) {
    this.list = home.resolve("torchhub").resolve("trusted_list");
  }

  Path list() {
    return list;
  }

  /** torch.hub's name for a repository in the list: {@code owner_repo}. */
  static String entry(HubRef r) {
    return r.owner() + "_" + r.repo();
  }

  boolean trusted(HubRef r) {
    if (TRUSTED_OWNERS.contains(r.owner().toLowerCase(Locale.ROOT))) {
      return true;
    }
    if (!Files.isRegularFile(list)) {
      return false;
    }
    try {
      List<String> lines = Files.readAllLines(list, StandardCharsets.UTF_8);
      return lines.stream().map(String::trim).anyMatch(entry(r)::equals);
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "cannot read the trusted list " + list + ": " + e.getMessage(), "check its permissions");
    }
  }

  /**
   * Refuses an untrusted repository, or (with {@code trust}) adds it to the list: its code is about
   * to run.
   */
  void require(HubRef r, boolean trust) {
    if (trusted(r)) {
      return;
    }
    if (!trust) {
      throw GpuxException.invalidInput(
          "torchhub:"
              + r.repository()
              + " is not trusted: building its model runs the repository's hubconf.py, which is"
              + " code",
          "read " + "its hubconf.py, then pull with --trust (remembered in " + list + ")");
    }
    try {
      Files.createDirectories(list.getParent());
      Files.writeString(
          list,
          entry(r) + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "cannot write the trusted list " + list + ": " + e.getMessage(), "check GPUX_HOME");
    }
  }
}
