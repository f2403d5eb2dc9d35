package io.gpux.registry.zoo;

import io.gpux.error.GpuxException;
import io.gpux.ref.ModelRef;
import io.gpux.registry.DerivedFile;
import io.gpux.registry.ModelSummary;
import io.gpux.registry.PullOptions;
import io.gpux.registry.Registry;
import io.gpux.registry.RemoteFile;
import io.gpux.registry.RemoteHead;
import io.gpux.registry.RemoteVersion;
import io.gpux.registry.ResolvedModel;
import io.gpux.registry.SearchQuery;
import io.gpux.registry.Searchable;
import io.gpux.registry.Tracking;
import io.gpux.registry.Versioned;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * ONNX Model Zoo models: {@code zoo:NAME[@OPSET]}. A version is one catalogue entry's file (its
 * opset and sha256), so a pull is one file checked against the catalogue's {@code model_sha} and
 * {@code model_bytes}; with the {@link #TEST_DATA} variant it is the entry's {@code
 * model_with_data} archive instead, checked the same way and unpacked safely (the model with its
 * {@code test_data_set_*} folders, for {@code gpux test}). Search and versions read the catalogue
 * only.
 */
final class ZooRegistry implements Registry, Versioned, Searchable, Tracking {
  /** The variant that pulls the model with its test data ({@code gpux test --with-test-data}). */
  static final String TEST_DATA = PullOptions.TEST_DATA;

  private final ZooSource source;

  ZooRegistry(ZooSource source) {
    this.source = source;
  }

  @Override
  public String name() {
    return "zoo";
  }

  @Override
  public String accessHint() {
    return "the zoo's files come from a Hugging Face mirror: set HF_TOKEN (or run `gpux login hf`) if the mirror needs one, or point GPUX_ONNX_ZOO_URL at a mirror you may read";
  }

  @Override
  public ResolvedModel resolve(ModelRef ref, PullOptions options) {
    ZooCatalogue catalogue = source.catalogue();
    ZooEntry e = catalogue.find(ref.name(), ref.version());
    boolean withData = TEST_DATA.equals(options.variant());
    if (options.variant() != null && !withData) {
      throw GpuxException.invalidInput(
          "the ONNX Model Zoo has no variant '" + options.variant() + "'",
          "its one variant is "
              + TEST_DATA
              + " (the model with its test data); each opset and"
              + " quantized copy is its own name: `gpux search -r zoo` lists them");
    }
    RemoteFile file;
    String path;
    if (withData) {
      if (e.withDataPath() == null) {
        throw GpuxException.notFound(
            e.model()
                + " (opset "
                + e.opset()
                + ") has no model_with_data archive in the catalogue",
            "test it with a local folder: gpux test DIR");
      }
      path = e.withDataPath();
      file =
          new RemoteFile(
              path.substring(path.lastIndexOf('/') + 1),
              e.withDataBytes(),
              e.withDataSha256(),
              null,
              source.download(path),
              new RemoteFile.Unpack(RemoteFile.Format.TAR_GZIP, "", false));
    } else {
      path = e.path();
      file = new RemoteFile(e.fileName(), e.bytes(), e.sha256(), null, source.download(path));
    }
    return new ResolvedModel(
        "zoo",
        e.key(),
        e.version(),
        ref.version() == null ? "latest" : ref.version(),
        source.base() + "/" + path,
        List.of(file),
        lineage(e, catalogue));
  }

  private Map<String, String> lineage(ZooEntry e, ZooCatalogue catalogue) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("registry", "zoo");
    out.put("model", e.model());
    out.put("opset", Integer.toString(e.opset()));
    out.put("model_path", e.path());
    out.put("model_sha", e.sha256());
    out.put("base_url", source.base());
    out.put("catalogue", source.catalogueSource());
    out.put("catalogue_sha256", catalogue.sha256());
    if (!e.tags().isEmpty()) {
      out.put("tags", String.join(",", e.tags()));
    }
    if (e.onnxVersion() != null) {
      out.put("onnx_version", e.onnxVersion());
    }
    if (e.ioPorts() != null) {
      // The catalogue's view of the interface, kept beside the gpux.yml made from the file's own.
      out.put("io_ports", e.ioPorts());
    }
    return out;
  }

  @Override
  public List<DerivedFile> derive(ResolvedModel model, Map<String, Path> files) {
    return DerivedFile.generatedProject(
        model,
        files,
        "the ONNX Model Zoo",
        "zoo:" + model.name() + "@" + model.version(),
        "generated from the ONNX signature (the zoo's io_ports name the same ports)");
  }

  @Override
  public ModelRef movable(String name, String requested, Map<String, String> lineage) {
    return new ModelRef(
        "zoo", name, requested == null || requested.equals("latest") ? null : requested, null);
  }

  /** The catalogue is the metadata: a head costs nothing beyond reading it. */
  @Override
  public RemoteHead head(ModelRef movable, PullOptions options, String localVersion) {
    ResolvedModel m = resolve(movable, options);
    return new RemoteHead(m.version(), m.version().equals(localVersion) ? null : m.files());
  }

  /** The model's opsets, highest first; the highest is also {@code latest}. */
  @Override
  public List<RemoteVersion> versions(ModelRef ref) {
    List<ZooEntry> all = source.catalogue().opsets(ref.name());
    if (all.isEmpty()) {
      source.catalogue().find(ref.name(), null); // the not-found error, with close names
    }
    List<RemoteVersion> out = new ArrayList<>();
    for (ZooEntry e : all) {
      List<String> tags = new ArrayList<>(List.of(Integer.toString(e.opset())));
      if (out.isEmpty()) {
        tags.add("latest");
      }
      out.add(
          new RemoteVersion(
              e.version(),
              tags,
              null,
              e.model()
                  + ", opset "
                  + e.opset()
                  + (e.onnxVersion() == null ? "" : ", onnx " + e.onnxVersion()),
              e.bytes()));
    }
    return out;
  }

  /**
   * A filter of the catalogue, no request: the text in the name or a tag; tags (and the task, which
   * is one of the zoo's tags) matched any-of and case-insensitively, as {@code
   * onnx.hub.list_models} matches them. One hit per model name, at its highest opset.
   */
  @Override
  public List<ModelSummary> search(SearchQuery q) {
    String text = q.text() == null ? null : q.text().toLowerCase(Locale.ROOT).trim();
    Set<String> wanted = new java.util.HashSet<>();
    q.tags().forEach(t -> wanted.add(t.toLowerCase(Locale.ROOT)));
    if (q.task() != null) {
      wanted.add(q.task().toLowerCase(Locale.ROOT));
    }
    if (q.author() != null && !q.author().equalsIgnoreCase("onnx")) {
      return List.of(); // every zoo model is the ONNX project's
    }
    Map<String, ZooEntry> best = new LinkedHashMap<>();
    for (ZooEntry e : source.catalogue().entries()) {
      List<String> tags = e.tags().stream().map(t -> t.toLowerCase(Locale.ROOT)).toList();
      boolean textOk =
          text == null
              || text.isEmpty()
              || e.model().toLowerCase(Locale.ROOT).contains(text)
              || e.key().contains(text)
              || tags.stream().anyMatch(t -> t.contains(text));
      boolean tagsOk = wanted.isEmpty() || tags.stream().anyMatch(wanted::contains);
      ZooEntry seen = best.get(e.key());
      if (textOk && tagsOk && (seen == null || seen.opset() < e.opset())) {
        best.put(e.key(), e);
      }
    }
    List<ModelSummary> out = new ArrayList<>();
    for (ZooEntry e : best.values()) {
      List<Integer> opsets =
          source.catalogue().opsets(e.key()).stream().map(ZooEntry::opset).toList();
      out.add(
          new ModelSummary(
              "zoo",
              e.model(),
              "zoo:" + e.key(),
              e.tags().size() > 1 ? e.tags().get(1) : null,
              null,
              "onnx",
              e.bytes(),
              "onnx",
              null,
              e.tags(),
              Map.of("opsets", opsets.stream().map(String::valueOf).toList())));
    }
    if (q.sort() == SearchQuery.Sort.NAME) {
      out.sort(java.util.Comparator.comparing(ModelSummary::reference));
    }
    return out.size() > q.limit() ? out.subList(0, q.limit()) : out;
  }
}
