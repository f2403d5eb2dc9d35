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

  /** A file that is missing or whose bytes no longer match its digest. */
  public record Problem(String reference, String path, String sha256, String what) {}
}
