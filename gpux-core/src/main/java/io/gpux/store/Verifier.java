package io.gpux.store;

import io.gpux.digest.Sha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Re-hashes blobs against the manifests that reference them; reports, never repairs. */
final class Verifier {
  private final StoreLayout layout;

  Verifier(StoreLayout layout) {
    this.layout = layout;
  }

  VerifyReport verify(Manifests.Scan scan) {
    List<VerifyReport.Problem> problems = new ArrayList<>();
    for (Manifests.Unreadable d : scan.damaged()) {
      problems.add(
          new VerifyReport.Problem(
              layout.relative(d.file()), "", "", "damaged manifest: " + d.why()));
    }
    List<VersionManifest> all = new ArrayList<>();
    scan.found().forEach(s -> all.add(s.manifest()));
    scan.misplaced().forEach(s -> all.add(s.manifest()));
    Map<String, Long> sizes = new LinkedHashMap<>();
    all.forEach(m -> m.files().forEach(f -> sizes.putIfAbsent(f.sha256(), f.size())));
    // Each blob once, however many versions share it; in parallel, since hashing is CPU-bound.
    Map<String, String> results = new ConcurrentHashMap<>();
    sizes.entrySet().parallelStream()
        .forEach(e -> results.put(e.getKey(), check(e.getKey(), e.getValue())));
    int files = 0;
    for (VersionManifest m : all) {
      for (ManifestFile f : m.files()) {
        files++;
        String what = results.get(f.sha256());
        if (!what.isEmpty()) {
          problems.add(new VerifyReport.Problem(m.reference(), f.path(), f.sha256(), what));
        } else if (f.size() != sizes.get(f.sha256())) {
          problems.add(
              new VerifyReport.Problem(
                  m.reference(),
                  f.path(),
                  f.sha256(),
                  "listed with " + f.size() + " bytes but its blob has " + sizes.get(f.sha256())));
        }
      }
    }
    return new VerifyReport(all.size(), files, problems);
  }

  /** What is wrong with a blob, or the empty string when nothing is. */
  private String check(String sha256, long size) {
    Path blob = layout.blob(sha256);
    try {
      if (!Files.isRegularFile(blob)) {
        return "missing";
      }
      long actualSize = Files.size(blob);
      if (actualSize != size) {
        return "size " + actualSize + ", expected " + size;
      }
      String actual = Sha256.of(blob);
      return actual.equals(sha256) ? "" : "corrupt: its sha256 is now " + actual;
    } catch (IOException e) {
      return "unreadable: " + e.getMessage();
    }
  }
}
