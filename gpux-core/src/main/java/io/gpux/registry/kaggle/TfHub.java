package io.gpux.registry.kaggle;

import io.gpux.error.GpuxException;
import io.gpux.registry.Endpoints;
import io.gpux.transfer.HttpCall;
import java.net.URI;
import java.net.http.HttpResponse;

/**
 * TensorFlow Hub handles, mapped to Kaggle the way {@code tensorflow_hub} reaches them: since
 * 2023-11-15 {@code https://tfhub.dev/<handle>} redirects to the variation's page on Kaggle Models
 * ({@code https://www.kaggle.com/models/OWNER/MODEL/FRAMEWORK/VARIATION/VERSION}), so the handle is
 * asked for once and the page it lands on names the Kaggle variation. There is no offline table:
 * Kaggle's migration renamed models and renumbered versions, and only tfhub.dev knows the mapping.
 * Assets that were never migrated were deleted on 2024-03-18; their handles land elsewhere.
 *
 * <p>{@code GPUX_TFHUB_URL} replaces {@code https://tfhub.dev} (a mirror, a test server).
 */
final class TfHub {
  static final String DEFAULT = "https://tfhub.dev";
  private final KaggleApi api;
  private String base;

  TfHub(KaggleApi api) {
    this.api = api;
  }

  private synchronized String base() {
    if (base == null) {
      base =
          Endpoints.fromEnv(
              api.context(), "GPUX_TFHUB_URL", DEFAULT, "tfhub.dev takes no credentials");
    }
    return base;
  }

  String url(String handle) {
    return base() + "/" + handle;
  }

  /** The Kaggle variation tfhub.dev sends {@code handle} to (no version: the latest). */
  KaggleHandle map(String handle) {
    String from = url(handle);
    HttpResponse<Void> r =
        api.context()
            .http()
            .send(HttpCall.head(URI.create(from)), HttpResponse.BodyHandlers.discarding());
    URI landed = r.uri();
    if (r.statusCode() == 404) {
      throw GpuxException.notFound(
          "TF Hub has no " + handle + " (" + from + " answered HTTP 404)",
          "check the handle on tfhub.dev; its models now live on Kaggle Models"
              + " (gpux search -r kaggle TEXT)");
    }
    String path = landed.getPath() == null ? "" : landed.getPath();
    int at = path.indexOf("/models/");
    if (r.statusCode() >= 400 || at < 0) {
      throw GpuxException.notFound(
          "tfhub:"
              + handle
              + " does not lead to a Kaggle model ("
              + from
              + " answered HTTP "
              + r.statusCode()
              + " at "
              + landed
              + ")",
          "TF Hub assets that were not migrated to Kaggle were deleted on 2024-03-18; look for"
              + " the model with gpux search -r kaggle TEXT");
    }
    String kaggle = KaggleReferences.shortForm(path.substring(at + "/models/".length()));
    while (kaggle.endsWith("/")) {
      kaggle = kaggle.substring(0, kaggle.length() - 1);
    }
    return KaggleHandle.parse(kaggle, "tfhub:" + handle + " (at " + landed + ")");
  }
}
