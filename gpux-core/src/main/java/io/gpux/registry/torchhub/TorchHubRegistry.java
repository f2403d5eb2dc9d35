package io.gpux.registry.torchhub;

import io.gpux.error.GpuxException;
import io.gpux.ref.ModelRef;
import io.gpux.registry.Conversion;
import io.gpux.registry.DerivedFile;
import io.gpux.registry.PullOptions;
import io.gpux.registry.Registry;
import io.gpux.registry.RegistryContext;
import io.gpux.registry.RemoteFile;
import io.gpux.registry.RemoteHead;
import io.gpux.registry.RemoteVersion;
import io.gpux.registry.ResolvedModel;
import io.gpux.registry.Tracking;
import io.gpux.registry.Versioned;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PyTorch Hub on GitHub (see the package documentation). A version is a commit sha; its files are
 * GitHub's zipball of that commit ({@link #ARCHIVE}, kept as pulled: the conversion can be checked
 * against it again) and what the pull's converter makes from it (model.onnx and its record), plus a
 * gpux.yml generated from the ONNX signature.
 */
final class TorchHubRegistry implements Registry, Versioned, Tracking {
  static final String NAME = "torchhub";

  /** The repository's zipball, as a file of the version. */
  static final String ARCHIVE = "repository.zip";

  private final GitHub github;
  private final Trust trust;

  TorchHubRegistry(RegistryContext context) {
    this.github = new GitHub(context);
    String home = context.env("GPUX_HOME", null);
    this.trust =
        new Trust(
            home != null
                ? Path.of(home)
                : Path.of(System.getProperty("user.home")).resolve(".gpux"));
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The ref asked for resolved to its commit: the branch or tag name (null for a sha) too. */
  private record Resolved(String requested, String commit, String kind) {}

  private Resolved commitOf(HubRef r) {
    String asked = r.ref() == null ? github.defaultBranch(r) : r.ref();
    // torch.hub's check that the ref belongs to this repository (not a fork): a branch or a tag
    // of that name, or a commit at one of them; a full sha not at one is looked up by itself.
    List<GitHub.Ref> refs =
        github.refs(r, x -> x.name().equals(asked) || x.commit().startsWith(asked));
    for (GitHub.Ref x : refs) {
      if (x.name().equals(asked)) {
        return new Resolved(asked, x.commit(), x.kind());
      }
    }
    for (GitHub.Ref x : refs) {
      if (asked.length() >= 7 && x.commit().startsWith(asked)) {
        return new Resolved(null, x.commit(), "commit");
      }
    }
    if (HubRef.SHA.matcher(asked).matches()) {
      String found = github.commit(r, asked);
      if (found != null) {
        return new Resolved(null, found, "commit");
      }
    }
    List<String> names = refs.stream().map(GitHub.Ref::name).limit(10).toList();
    throw GpuxException.notFound(
        "torchhub:"
            + r.repository()
            + " has no branch, tag or commit '"
            + asked
            + "'"
            + (r.ref() == null ? " (torch.hub's default when no ref is given)" : ""),
        (names.isEmpty()
                ? "the repository has no branches or tags"
                : "it has " + String.join(", ", names) + (refs.size() > 10 ? ", ..." : ""))
            + "; `gpux versions torchhub:"
            + r.repository()
            + "` lists them all");
  }

  @Override
  public ResolvedModel resolve(ModelRef ref, PullOptions options) {
    HubRef r = HubRef.of(ref);
    if (r.entrypoint() == null) {
      throw GpuxException.invalidInput(
          "torchhub:" + r.repository() + " names no entrypoint to build the model with",
          "add one of its hubconf.py's functions: " + r.text(r.ref()) + "/ENTRYPOINT");
    }
    // Before a byte of the repository is fetched, as torch.hub checks before its download.
    trust.require(r, options.trust());
    Resolved at = commitOf(r);
    String exact = r.text(at.commit());
    Map<String, String> lineage = new LinkedHashMap<>();
    lineage.put("registry", NAME);
    lineage.put("endpoint", github.web);
    lineage.put("torchhub.repository", r.repository());
    lineage.put("torchhub.ref", r.ref() == null ? at.requested() + " (default)" : r.ref());
    lineage.put("torchhub.ref_kind", at.kind());
    lineage.put("torchhub.commit", at.commit());
    lineage.put("torchhub.entrypoint", r.entrypoint());
    if (!r.arguments().isEmpty()) {
      lineage.put("torchhub.arguments", r.query());
    }
    lineage.put("torchhub.url", github.web + "/" + r.repository() + "/tree/" + at.commit());
    Map<String, String> params = new LinkedHashMap<>();
    params.put(Conversion.PARAM_ZIP, ARCHIVE);
    params.put(Conversion.PARAM_ENTRYPOINT, r.entrypoint());
    List<String> args = new ArrayList<>();
    r.arguments().forEach((k, v) -> args.add(k + "=" + v));
    params.put(Conversion.PARAM_ARGUMENTS, String.join("\n", args));
    params.put(Conversion.PARAM_TRUSTED, "true");
    Conversion conversion = new Conversion("pytorch", "PyTorch Hub", exact, null, params);
    RemoteFile zip = new RemoteFile(ARCHIVE, -1, null, null, github.zipball(r, at.commit()));
    return new ResolvedModel(
        NAME,
        r.modelName(),
        at.commit(),
        at.requested(),
        github.web + "/" + r.repository() + "/tree/" + at.commit(),
        List.of(zip),
        lineage,
        conversion);
  }

  @Override
  public List<DerivedFile> derive(ResolvedModel model, Map<String, Path> files) {
    return DerivedFile.generatedProject(
        model,
        files,
        "PyTorch Hub",
        new HubRef.Grammar().exact(NAME, model.name(), model.version()),
        "generated from the exported ONNX signature");
  }

  /** Branches and tags, grouped by commit, in GitHub's order (branches first). */
  @Override
  public List<RemoteVersion> versions(ModelRef ref) {
    HubRef r = HubRef.of(ref);
    Map<String, List<String>> byCommit = new LinkedHashMap<>();
    Map<String, List<String>> kinds = new LinkedHashMap<>();
    for (GitHub.Ref x : github.refs(r)) {
      byCommit.computeIfAbsent(x.commit(), k -> new ArrayList<>()).add(x.name());
      kinds.computeIfAbsent(x.commit(), k -> new ArrayList<>()).add(x.kind() + " " + x.name());
    }
    List<RemoteVersion> out = new ArrayList<>();
    byCommit.forEach(
        (commit, names) ->
            out.add(
                new RemoteVersion(
                    commit, List.copyOf(names), null, String.join(", ", kinds.get(commit)))));
    return out;
  }

  @Override
  public ModelRef movable(String name, String requested, Map<String, String> lineage) {
    return new ModelRef(NAME, name, null, requested);
  }

  /** The ref's commit from the branches and tags pages; the zipball when it moved. */
  @Override
  public RemoteHead head(ModelRef movable, PullOptions options, String localVersion) {
    HubRef r = HubRef.of(movable);
    String commit = commitOf(r).commit();
    if (commit.equals(localVersion)) {
      return new RemoteHead(commit, null);
    }
    return new RemoteHead(
        commit, List.of(new RemoteFile(ARCHIVE, -1, null, null, github.zipball(r, commit))));
  }
}
