package io.gpux.testing.hf;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.Map;

/**
 * Who may see what, answered with the Hub's typed errors: a private repo without its token does not
 * exist (404 {@code RepoNotFound}, so its existence does not leak); a gated repo's files need a
 * granted token (401 anonymous, 403 otherwise, {@code GatedRepo}); an unknown revision is 404
 * {@code RevisionNotFound}.
 */
final class RepoAccess {
  private RepoAccess() {}

  /** The repo, or null after answering 404 {@code RepoNotFound}. */
  static FakeRepo visible(HttpExchange x, FakeHfHub hub, String id, RecordedRequest req)
      throws IOException {
    FakeRepo repo = hub.existing(id);
    if (repo == null || !repo.exists() || !repo.visibleTo(req.token())) {
      Reply.error(
          x,
          404,
          "RepoNotFound",
          "Repository not found: " + id + " (or it is private and the token does not grant it)");
      return null;
    }
    return repo;
  }

  /** Whether the caller may download files; if not, the 401/403 {@code GatedRepo} is sent. */
  static boolean downloadable(HttpExchange x, FakeRepo repo, RecordedRequest req)
      throws IOException {
    if (repo.downloadableBy(req.token())) {
      return true;
    }
    if (req.token() == null) {
      Reply.error(
          x,
          401,
          "GatedRepo",
          "Access to model "
              + repo.id()
              + " is restricted. You must have access to it and be authenticated to access it."
              + " Please log in.");
    } else {
      Reply.error(
          x,
          403,
          "GatedRepo",
          "Access to model "
              + repo.id()
              + " is restricted and you are not in the authorized list. Visit "
              + "https://huggingface.co/"
              + repo.id()
              + " to ask for access.");
    }
    return false;
  }

  /** The commit a revision names, or null after answering 404 {@code RevisionNotFound}. */
  static String commit(HttpExchange x, FakeRepo repo, String rev, Map<String, String> headers)
      throws IOException {
    String sha = repo.resolve(rev);
    if (sha == null) {
      Reply.error(x, 404, "RevisionNotFound", "Invalid rev id: " + rev, headers);
    }
    return sha;
  }
}
