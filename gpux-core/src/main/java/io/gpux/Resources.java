package io.gpux;

import io.gpux.config.GpuxSettings;
import io.gpux.error.GpuxException;
import io.gpux.registry.Async;
import io.gpux.registry.Credentials;
import io.gpux.registry.Registries;
import io.gpux.registry.RegistryContext;
import io.gpux.store.ModelStore;
import io.gpux.transfer.HttpTransport;
import io.gpux.transfer.Proxies;
import io.gpux.transfer.RetryPolicy;
import io.gpux.transfer.TlsTrust;
import io.gpux.transfer.TransferEngine;
import io.gpux.transfer.TransferOptions;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * What the services of one {@link Gpux} share: the settings, the working directory, the store and
 * the registries, each opened on first use and closed once. The services hold this, not the facade,
 * so the facade stands above them.
 */
final class Resources implements AutoCloseable {
  final GpuxSettings settings;
  final Path workingDirectory;
  private volatile Consumer<String> warnings = w -> {};
  private volatile ModelStore store;
  private volatile CompletableFuture<ModelStore> storeOpening;
  private volatile Registries registries;
  private volatile TransferEngine transfer;
  private final Object storeLock = new Object();
  private final Object registriesLock = new Object();

  Resources(GpuxSettings settings, Path workingDirectory) {
    this.settings = settings;
    this.workingDirectory = workingDirectory;
  }

  void onWarning(Consumer<String> sink) {
    this.warnings = Objects.requireNonNull(sink);
  }

  /**
   * The local model store under GPUX_HOME, opened on first use, seen from the settings' workspace,
   * which must exist.
   */
  ModelStore store() {
    return store(true);
  }

  /**
   * @param checkWorkspace whether a workspace that does not exist is an error ({@code gpux
   *     workspace} itself works whatever the current one is)
   */
  ModelStore store(boolean checkWorkspace) {
    synchronized (storeLock) {
      if (store == null) {
        String workspace = settings.workspace();
        ModelStore opened =
            ModelStore.open(
                settings.home(),
                settings.clock(),
                settings.forceToDisk(),
                settings.env(),
                workspace);
        io.gpux.index.WorkspaceTables known =
            new io.gpux.index.WorkspaceTables(opened.indexDatabase());
        if (checkWorkspace && !known.exists(workspace)) {
          GpuxException unknown =
              io.gpux.workspace.Names.unknownWorkspace(workspace, known.names());
          opened.close();
          throw unknown;
        }
        int damaged = opened.damagedAfterRestart().size();
        if (damaged > 0) {
          warnings.accept(
              damaged
                  + " file(s) in the store were damaged by a crash before the disk had them, and"
                  + " were removed; `gpux verify` lists the models they belong to, and `gpux"
                  + " pull` fetches them again");
        }
        store = opened;
      }
      return store;
    }
  }

  /**
   * Starts opening the store on another thread (a pull overlaps it with the registry's round
   * trips); {@link #close} waits for it, so a pull that fails fast never leaves it writing under
   * GPUX_HOME.
   */
  CompletableFuture<ModelStore> openStoreAsync() {
    CompletableFuture<ModelStore> opening = Async.start(this::store);
    storeOpening = opening;
    return opening;
  }

  /** The installed registry plug-ins, with the process's HTTP transport and credentials. */
  Registries registries() {
    synchronized (registriesLock) {
      if (registries == null) {
        Credentials credentials =
            new Credentials(settings.env(), settings.home().resolve("credentials.json"));
        GpuxSettings.ProxyVariables p = settings.proxies();
        Proxies proxies =
            Proxies.of(
                p.http(), p.https(), p.noProxy(), new String[] {p.httpName(), p.httpsName()});
        // Waits between retries go through the settings' sleeper, so tests need not really wait.
        HttpTransport http =
            new HttpTransport(
                HttpTransport.clientFor(
                    TlsTrust.context(Registries.tlsRules(settings.env())), proxies),
                RetryPolicy.defaults(),
                settings.sleeper(),
                settings.offline(),
                "gpux/" + GpuxVersion.VALUE,
                proxies);
        // GPUX_HOME as resolved (a default one is not in the environment): a registry may keep
        // its own files there (PyTorch Hub's trusted list).
        java.util.Map<String, String> env = new java.util.HashMap<>(settings.env());
        env.putAll(workspaceVariables());
        env.put("GPUX_HOME", settings.home().toString());
        registries = new Registries(new RegistryContext(http, credentials, env));
        // One engine for every pull of this process: the per-host limits hold for all of them.
        transfer =
            new TransferEngine(
                http,
                TransferOptions.defaults()
                    .withForceToDisk(ModelStore.forcesToDisk(settings.forceToDisk())));
      }
      return registries;
    }
  }

  /**
   * Whether the index is a team's PostgreSQL database ({@code GPUX_INDEX_URL}, or {@code index.url}
   * in the settings file): then it is asked even when this machine has no store yet, so that an
   * unreachable server is an error rather than an empty answer.
   */
  boolean sharedIndex() {
    return !settings.env().getOrDefault(io.gpux.index.PostgresUrl.VARIABLE, "").isBlank();
  }

  /**
   * The environment variables the workspace's settings stand for (its registry endpoints), read
   * from the index when there is one (a team's PostgreSQL index always is); none for a local store
   * not created yet.
   */
  java.util.Map<String, String> workspaceVariables() {
    // On a team's PostgreSQL index GPUX_HOME has no index.db, yet the workspaces are there.
    if (!sharedIndex() && !java.nio.file.Files.exists(settings.home().resolve("index.db"))) {
      return java.util.Map.of();
    }
    ModelStore s = store();
    return io.gpux.workspace.WorkspaceSettings.variables(
        new io.gpux.index.WorkspaceTables(s.indexDatabase()).settings(s.workspace()));
  }

  /**
   * What converts pulled models that are not ONNX (PyTorch Hub repositories): {@code gpux
   * convert}'s converter, in its managed Python environment.
   */
  io.gpux.registry.ModelConverter pullConverter() {
    return new io.gpux.convert.PullConversions(
        new io.gpux.convert.ModelConverter(settings, workingDirectory, GpuxVersion.VALUE),
        io.gpux.convert.ConvertListener.NONE);
  }

  /** The process's one transfer engine (created with the registries). */
  TransferEngine transfer() {
    synchronized (registriesLock) {
      registries();
      return transfer;
    }
  }

  @Override
  public void close() {
    CompletableFuture<ModelStore> opening = storeOpening;
    if (opening != null) {
      opening.exceptionally(e -> null).join();
    }
    Registries r = registries;
    if (r != null) {
      r.context().http().close();
    }
    ModelStore s = store;
    if (s != null) {
      s.close();
    }
  }
}
