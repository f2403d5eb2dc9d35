package io.gpux.config;

import io.gpux.transfer.Sleeper;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * Every setting GPUX reads from the environment, declared in one place.
 *
 * <ul>
 *   <li>{@code GPUX_HOME}: the store, credentials and index (default {@code ~/.gpux})
 *   <li>{@code GPUX_WORKSPACE}: the workspace to work in (see {@link #workspace()})
 *   <li>{@code GPUX_OFFLINE=1}: never open a socket; use only what is in the store
 *   <li>{@code GPUX_INDEX_URL=postgresql://USER[:PASS]@HOST:PORT/DB}: the store's index on a
 *       team-shared PostgreSQL instead of {@code GPUX_HOME/index.db} (read by {@code
 *       io.gpux.index.IndexDatabase#open}; the password may come from {@code PGPASSWORD} or {@code
 *       ~/.pgpass} instead; see docs/index-postgresql.md)
 *   <li>{@code GPUX_DEBUG=1}: like {@code --debug}
 *   <li>{@code GPUX_DOCS_URL}: the address of a built docs site, for the {@code see:} line of every
 *       error (read by the CLI's {@code Troubleshooting}; unset, the line names {@code
 *       docs/troubleshooting.md} of the source tree)
 *   <li>{@code GPUX_FSYNC=1}: force each pulled file to disk before the store records it (see
 *       {@link #forceToDisk()})
 *   <li>{@code https_proxy}/{@code HTTPS_PROXY}, {@code http_proxy}/{@code HTTP_PROXY}, {@code
 *       no_proxy}/{@code NO_PROXY}: the HTTP(S) proxies (see {@link #proxies()})
 *   <li>{@code GPUX_INSECURE_REGISTRIES}: OCI registry hosts ({@code host[:port]}, comma separated)
 *       reached over plain HTTP, like Docker's insecure registries (see {@link
 *       #insecureRegistries})
 *   <li>{@code GPUX_ONNX_ZOO_URL}: an ONNX Model Zoo mirror, a base URL holding {@code
 *       ONNX_HUB_MANIFEST.json} and every {@code model_path} (read by the {@code zoo:} plug-in;
 *       unset, the catalogue shipped with GPUX and the Hugging Face mirror are used)
 *   <li>{@code GPUX_SEARCH_TIMEOUT}: seconds each registry may take to answer {@code gpux search}
 *       (default 10; see {@link #searchTimeout()}); answers are cached in the index for 5 minutes,
 *       {@code GPUX_SEARCH_CACHE=0} turns that off
 *   <li>{@code GPUX_RECOMMEND_BUDGET}: seconds {@code gpux recommend} may spend measuring models it
 *       has no cached latency for (default 120; see {@link #recommendBudget()}); the rest are
 *       estimated
 *   <li>registry variables, read by their plug-ins: {@code HF_ENDPOINT}, {@code HF_TOKEN}, ...
 * </ul>
 *
 * <p>{@code GPUX_INDEX_URL} may also come from the settings file {@code GPUX_HOME/config.yml}
 * ({@code index.url}, see {@link SettingsFile}); the environment wins over it.
 *
 * @param env the whole environment, passed on to registries (tests pass their own)
 * @param clock what "now" is for the store and pulls (timestamps, grace periods)
 * @param sleeper how waits are made (retry backoff, {@code Retry-After}, rate limits): tests, also
 *     through the CLI, give one that records the waits instead of sleeping
 */
public record GpuxSettings(
    Path home, boolean offline, Map<String, String> env, Clock clock, Sleeper sleeper) {

  public GpuxSettings {
    env = Map.copyOf(env);
    java.util.Objects.requireNonNull(clock);
    java.util.Objects.requireNonNull(sleeper);
  }

  /** The system clock, and waits that really wait. */
  public GpuxSettings(Path home, boolean offline, Map<String, String> env) {
    this(home, offline, env, Clock.systemUTC(), Sleeper.REAL);
  }

  /** These settings with another clock and way of waiting (tests). */
  public GpuxSettings withTime(Clock clock, Sleeper sleeper) {
    return new GpuxSettings(home, offline, env, clock, sleeper);
  }

  public static GpuxSettings fromEnvironment() {
    return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")));
  }

  /**
   * The settings of {@code env}, with those of the settings file ({@link SettingsFile}, {@code
   * GPUX_HOME/config.yml}) for the variables {@code env} does not set.
   *
   * @throws io.gpux.error.GpuxException for a settings file that is malformed, names an unknown
   *     key, or holds a password others can read
   */
  public static GpuxSettings fromEnvironment(Map<String, String> env, Path userHome) {
    String home = env.get("GPUX_HOME");
    Path h = (home == null || home.isBlank() ? userHome.resolve(".gpux") : Path.of(home));
    h = h.toAbsolutePath().normalize();
    String offline = env.getOrDefault("GPUX_OFFLINE", "");
    return new GpuxSettings(
        h,
        offline.equals("1") || offline.equalsIgnoreCase("true"),
        SettingsFile.read(SettingsFile.of(h)).over(env));
  }

  /**
   * The workspace this process works in: {@code GPUX_WORKSPACE} (which the CLI's {@code
   * --workspace} sets), else the one {@code gpux workspace use} chose (the file {@code workspace}
   * under GPUX_HOME: a choice of this machine's user, not of the shared index), else {@code
   * default}.
   */
  public String workspace() {
    String w = env.getOrDefault("GPUX_WORKSPACE", "").trim();
    if (!w.isEmpty()) {
      return w;
    }
    try {
      String chosen = java.nio.file.Files.readString(workspaceFile()).trim();
      return chosen.isEmpty() ? DEFAULT_WORKSPACE : chosen;
    } catch (java.nio.file.NoSuchFileException e) {
      return DEFAULT_WORKSPACE;
    } catch (java.io.IOException e) {
      return DEFAULT_WORKSPACE;
    }
  }

  /** The workspace every store has. */
  public static final String DEFAULT_WORKSPACE = "default";

  /** Where {@code gpux workspace use} keeps this user's choice. */
  public Path workspaceFile() {
    return home.resolve("workspace");
  }

  /** These settings with {@code variables} set over the environment (a workspace's endpoints). */
  public GpuxSettings withEnv(Map<String, String> variables) {
    Map<String, String> merged = new java.util.HashMap<>(env);
    merged.putAll(variables);
    return new GpuxSettings(home, offline, merged, clock, sleeper);
  }

  /**
   * The OCI registry hosts of {@code GPUX_INSECURE_REGISTRIES} ({@code host[:port]}, comma
   * separated, lower-cased): reached over plain HTTP. Loopback hosts are plain HTTP without it. A
   * static reader because registry plug-ins get the environment, not these settings.
   */
  public static java.util.Set<String> insecureRegistries(Map<String, String> env) {
    java.util.Set<String> hosts = new java.util.LinkedHashSet<>();
    for (String h : env.getOrDefault("GPUX_INSECURE_REGISTRIES", "").split(",")) {
      String t = h.trim().toLowerCase(java.util.Locale.ROOT);
      for (String scheme : new String[] {"http://", "https://"}) {
        if (t.startsWith(scheme)) {
          t = t.substring(scheme.length());
        }
      }
      while (t.endsWith("/")) {
        t = t.substring(0, t.length() - 1);
      }
      if (!t.isEmpty()) {
        hosts.add(t);
      }
    }
    return hosts;
  }

  /** {@code GPUX_SEARCH_TIMEOUT} (seconds, may be fractional), else 10 s. */
  public java.time.Duration searchTimeout() {
    return seconds("GPUX_SEARCH_TIMEOUT", java.time.Duration.ofSeconds(10));
  }

  /** {@code GPUX_SEARCH_CACHE} (seconds an answer is reused; 0: never), else 5 minutes. */
  public java.time.Duration searchCacheFor() {
    return seconds("GPUX_SEARCH_CACHE", java.time.Duration.ofMinutes(5));
  }

  /** {@code GPUX_RECOMMEND_BUDGET} (seconds spent measuring at most), else 120 s. */
  public java.time.Duration recommendBudget() {
    return seconds("GPUX_RECOMMEND_BUDGET", java.time.Duration.ofSeconds(120));
  }

  private java.time.Duration seconds(String variable, java.time.Duration fallback) {
    String v = env.getOrDefault(variable, "").trim();
    if (v.isEmpty()) {
      return fallback;
    }
    try {
      double s = Double.parseDouble(v);
      if (s >= 0 && s < 86_400) {
        return java.time.Duration.ofMillis(Math.round(s * 1000));
      }
    } catch (NumberFormatException notANumber) {
      // reported below
    }
    throw io.gpux.error.GpuxException.invalidInput(
        variable + "=" + v + " is not a number of seconds", "set it to e.g. 10, or unset it");
  }

  /**
   * Whether {@code GPUX_FSYNC=1} asks for every pulled file to be forced to disk before the store
   * records it, so a pull ends only when its bytes are on disk. Without it the store leaves the
   * bytes to the kernel, as curl and the registries' clients do, and checks them after a restart
   * instead (see the store's write-back records); where the system cannot tell a restart, files are
   * forced anyway.
   */
  public boolean forceToDisk() {
    String v = env.getOrDefault("GPUX_FSYNC", "").trim();
    return v.equals("1") || v.equalsIgnoreCase("true") || v.equalsIgnoreCase("always");
  }

  /**
   * The proxy variables as curl reads them: for each, the lower-case name first, then the
   * upper-case one ({@code http_proxy} wins over {@code HTTP_PROXY}, and so on).
   */
  public ProxyVariables proxies() {
    String[] http = firstSet("http_proxy", "HTTP_PROXY");
    String[] https = firstSet("https_proxy", "HTTPS_PROXY");
    String[] none = firstSet("no_proxy", "NO_PROXY");
    return new ProxyVariables(http[0], http[1], https[0], https[1], none[1]);
  }

  /** The name and value of the first of {@code names} that is set (not blank), else the first. */
  private String[] firstSet(String... names) {
    for (String n : names) {
      String v = env.get(n);
      if (v != null && !v.isBlank()) {
        return new String[] {n, v};
      }
    }
    return new String[] {names[0], null};
  }

  /**
   * The proxy settings found, each with the variable it came from (for messages).
   *
   * @param http the proxy for {@code http://} URLs, or null
   * @param https the proxy for {@code https://} URLs, or null
   * @param noProxy the hosts reached directly, comma-separated, or null
   */
  public record ProxyVariables(
      String httpName, String http, String httpsName, String https, String noProxy) {}
}
