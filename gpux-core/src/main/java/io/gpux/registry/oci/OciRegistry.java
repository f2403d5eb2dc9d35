package io.gpux.registry.oci;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpux.config.GpuxSettings;
import io.gpux.error.GpuxException;
import io.gpux.ref.ModelRef;
import io.gpux.registry.DerivedFile;
import io.gpux.registry.ModelSummary;
import io.gpux.registry.PullOptions;
import io.gpux.registry.PushRequest;
import io.gpux.registry.PushResult;
import io.gpux.registry.Pushable;
import io.gpux.registry.Registry;
import io.gpux.registry.RegistryContext;
import io.gpux.registry.RemoteHead;
import io.gpux.registry.RemoteVersion;
import io.gpux.registry.ResolvedModel;
import io.gpux.registry.SearchQuery;
import io.gpux.registry.Searchable;
import io.gpux.registry.Secret;
import io.gpux.registry.Tracking;
import io.gpux.registry.Versioned;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * OCI registries: a reference resolves to one image manifest (through an index when the tag names
 * one), whose digest is the version; its layers become the model's files by {@link OciLayout}.
 */
final class OciRegistry implements Registry, Versioned, Pushable, Tracking, Searchable {
  private final RegistryContext context;
  private final OciHosts hosts;
  private final Map<String, OciClient> clients = new ConcurrentHashMap<>();

  OciRegistry(RegistryContext context) {
    this.context = context;
    this.hosts = new OciHosts(GpuxSettings.insecureRegistries(context.env()));
  }

  @Override
  public String name() {
    return "oci";
  }

  @Override
  public String accessHint() {
    return "log in to the registry (docker login HOST, gpux login oci://HOST, or GPUX_OCI_USERNAME and GPUX_OCI_PASSWORD) with an account that may pull this repository";
  }

  OciClient client(String host) {
    return clients.computeIfAbsent(
        host,
        h ->
            new OciClient(
                h,
                hosts.base(h),
                context.http(),
                new OciAuth(h, context.http(), hosts, () -> login(h))));
  }

  /**
   * The credentials for {@code host}: the environment's, then {@code gpux login oci://HOST}'s, then
   * Docker's config.json.
   */
  Optional<OciLogin> login(String host) {
    String user = context.env("GPUX_OCI_USERNAME", null);
    String password = context.env("GPUX_OCI_PASSWORD", null);
    if (user != null && password != null) {
      return Optional.of(
          OciLogin.basic(user, new Secret(password), "GPUX_OCI_USERNAME and GPUX_OCI_PASSWORD"));
    }
    String token = context.env("GPUX_OCI_TOKEN", null);
    if (token != null) {
      return Optional.of(OciLogin.bearer(new Secret(token.trim()), "GPUX_OCI_TOKEN"));
    }
    String key = OciReferences.SCHEME + host;
    var basic = context.credentials().basic(key);
    if (basic.isPresent()) {
      return Optional.of(
          OciLogin.basic(basic.get().getKey(), basic.get().getValue(), "gpux login " + key));
    }
    var stored = context.credentials().token(key, List.of());
    if (stored.isPresent()) {
      return Optional.of(OciLogin.bearer(stored.get(), "gpux login " + key));
    }
    return DockerConfig.of(context.env()).lookup(host);
  }

  @Override
  public ResolvedModel resolve(ModelRef ref, PullOptions options) {
    String host = OciReferences.host(ref.name());
    String repo = OciReferences.repository(ref.name());
    OciClient client = client(host);
    String asked = ref.version() != null ? ref.version() : ref.tag();
    String display = display(ref);
    OciClient.Manifest m = client.manifest(repo, asked);
    Map<String, String> lineage = new LinkedHashMap<>();
    if (isIndex(m)) {
      lineage.put("oci.index", m.digest());
      String child = choose(m.json(), display);
      m = client.manifest(repo, child);
    }
    if (isIndex(m)) {
      throw GpuxException.unavailable(
          display + " is an index of indexes", "name one of its manifests by digest");
    }
    lineage.put("oci.manifest", m.digest());
    lineage.put("oci.mediaType", m.mediaType());
    OciLayout.Read read =
        OciLayout.read(
            display,
            m.json(),
            cfg -> client.smallBlob(repo, cfg.path("digest").asText(), cfg.path("size").asLong(-1)),
            digest -> client.blobCall(repo, digest));
    lineage.putAll(read.lineage());
    String exact = OciReferences.SCHEME + ref.name() + "@" + m.digest();
    return new ResolvedModel(
        name(),
        ref.name(),
        m.digest(),
        ref.version() != null ? ref.version() : ref.tag(),
        exact,
        read.files(),
        lineage);
  }

  static boolean isIndex(OciClient.Manifest m) {
    return m.mediaType().equals(OciMediaTypes.OCI_INDEX)
        || m.mediaType().equals(OciMediaTypes.DOCKER_LIST)
        || (m.json().has("manifests") && !m.json().has("layers"));
  }

  /**
   * The manifest of an index GPUX pulls: a ModelPack artifact first, then any artifact, then the
   * image for this machine's platform (a modelcar built for several), then the first.
   */
  static String choose(JsonNode index, String display) {
    JsonNode all = index.path("manifests");
    if (!all.isArray() || all.isEmpty()) {
      throw GpuxException.notFound(display + " is an empty index", "push a model to it");
    }
    String arch =
        System.getProperty("os.arch", "").replace("x86_64", "amd64").replace("aarch64", "arm64");
    JsonNode any = null;
    JsonNode platform = null;
    for (JsonNode d : all) {
      String type = d.path("artifactType").asText("");
      if (type.equals(OciMediaTypes.MODELPACK_ARTIFACT)) {
        return d.path("digest").asText();
      }
      if (!type.isEmpty() && any == null) {
        any = d;
      }
      JsonNode p = d.path("platform");
      if (platform == null
          && p.path("os").asText("").equals("linux")
          && p.path("architecture").asText("").equals(arch)) {
        platform = d;
      }
    }
    JsonNode pick = any != null ? any : platform != null ? platform : all.get(0);
    return pick.path("digest").asText();
  }

  @Override
  public List<DerivedFile> derive(ResolvedModel model, Map<String, Path> files) {
    return DerivedFile.generatedProject(
        model,
        files,
        "OCI registry",
        model.source(),
        "generated by gpux from the ONNX model's inputs and outputs");
  }

  @Override
  public List<RemoteVersion> versions(ModelRef ref) {
    return OciVersions.list(
        client(OciReferences.host(ref.name())), OciReferences.repository(ref.name()));
  }

  @Override
  public List<ModelSummary> search(SearchQuery query) {
    return OciCatalog.search(this, query);
  }

  /** A catalogue search needs the host to list, so it runs only when oci is named. */
  @Override
  public boolean searchedByDefault() {
    return false;
  }

  @Override
  public ModelRef movable(String name, String requested, Map<String, String> lineage) {
    String asked = requested == null ? "latest" : requested;
    return asked.startsWith("sha256:")
        ? new ModelRef(name(), name, asked, null)
        : new ModelRef(name(), name, null, asked);
  }

  /**
   * One HEAD of the tag's manifest: its digest is the version, so an unmoved tag costs nothing
   * more. A moved one (or an index, whose digest is not the stored manifest's) is resolved.
   */
  @Override
  public RemoteHead head(ModelRef movable, PullOptions options, String localVersion) {
    if (movable.version() != null) {
      return new RemoteHead(
          movable.version(),
          movable.version().equals(localVersion) ? null : resolve(movable, options).files());
    }
    String digest =
        client(OciReferences.host(movable.name()))
            .digest(OciReferences.repository(movable.name()), movable.tag());
    if (digest == null) {
      throw GpuxException.notFound(
          display(movable) + " is gone: the registry has no such tag now",
          "gpux versions oci://" + movable.name() + " lists the tags it has");
    }
    if (digest.equals(localVersion)) {
      return new RemoteHead(digest, null);
    }
    ResolvedModel now = resolve(movable, options);
    return new RemoteHead(now.version(), now.files());
  }

  @Override
  public PushResult push(PushRequest request) {
    ModelRef t = request.target();
    if (t.version() != null) {
      throw GpuxException.invalidInput(
          "cannot push to a digest (" + display(t) + ")",
          "push to a tag: oci://" + t.name() + ":v1");
    }
    OciPusher.Outcome o = pusher(t).push(request, t.tag());
    return new PushResult(
        name(), t.name(), o.digest(), o.reference(), display(t), o.files(), o.bytes());
  }

  OciPusher pusher(ModelRef target) {
    return new OciPusher(
        client(OciReferences.host(target.name())), OciReferences.repository(target.name()));
  }

  static String display(ModelRef ref) {
    return OciReferences.SCHEME
        + ref.name()
        + (ref.tag() != null && ref.version() == null ? ":" + ref.tag() : "")
        + (ref.version() != null ? "@" + ref.version() : "");
  }
}
