package io.gpux.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * Every setting GPUX reads from the environment, declared in one place.
 *
 * <ul>
 *   <li>{@code GPUX_HOME}: the store, credentials and index (default {@code ~/.gpux})
 *   <li>{@code GPUX_OFFLINE=1}: never open a socket; use only what is in the store
 *   <li>{@code GPUX_DEBUG=1}: like {@code --debug}
 *   <li>{@code GPUX_FSYNC=0}: do not force pulled files to disk before they enter the store (see
 *       {@link #forceToDisk()})
 *   <li>registry variables, read by their plug-ins: {@code HF_ENDPOINT}, {@code HF_TOKEN}, ...
 * </ul>
 *
 * @param env the whole environment, passed on to registries (tests pass their own)
 */
public record GpuxSettings(Path home, boolean offline, Map<String, String> env) {

  public GpuxSettings {
    env = Map.copyOf(env);
  }

  public static GpuxSettings fromEnvironment() {
    return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
  }

  public static GpuxSettings fromEnvironment(Map<String, String> env, Path userHome) {
    String home = env.get("GPUX_HOME");
    Path h = home == null || home.isBlank() ? userHome.resolve(".gpux") : Path.of(home);
    String offline = env.getOrDefault("GPUX_OFFLINE", "");
    return new GpuxSettings(
        h.toAbsolutePath().normalize(),
        offline.equals("1") || offline.equalsIgnoreCase("true"),
        env);
  }

  /**
   * Whether pulled files are forced to disk before the store records them (the default), so a power
   * cut cannot leave the store naming a file whose bytes never reached the disk. {@code
   * GPUX_FSYNC=0} trades that for speed on slow disks, as curl and huggingface_hub do: the pull's
   * bytes then reach the disk after it ends, and {@code gpux verify} finds a file a power cut
   * damaged.
   */
  public boolean forceToDisk() {
    String v = env.getOrDefault("GPUX_FSYNC", "1").trim();
    return !(v.equals("0") || v.equalsIgnoreCase("false") || v.equalsIgnoreCase("no"));
  }
}
