package io.gpux.store;

import java.util.List;

/** The result of re-hashing every stored file against its manifest. */
public record VerifyReport(int versions, int files, List<Problem> problems) {
  public VerifyReport {
    problems = List.copyOf(problems);
  }

  public boolean clean() {
    return problems.isEmpty();
  }

  /**
   * A file that is missing or whose bytes no longer match its digest, or a manifest that cannot be
   * read (then {@code reference} is the manifest's path in the store and {@code path} is empty).
   *
   * @param what {@code missing}, {@code size N, expected M}, {@code corrupt: ...} or {@code damaged
   *     manifest: ...}
   */
  public record Problem(String reference, String path, String sha256, String what) {
    @Override
    public String toString() {
      return reference + (path.isEmpty() ? "" : " " + path) + ": " + what;
    }
  }

  @Override
  public String toString() {
    StringBuilder sb =
        new StringBuilder()
            .append(files)
            .append(" file(s) of ")
            .append(versions)
            .append(" version(s): ")
            .append(clean() ? "all match their digests" : problems.size() + " problem(s)");
    problems.forEach(p -> sb.append("\n  ").append(p));
    return sb.toString();
  }
}
