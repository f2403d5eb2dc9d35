package io.gpux.registry.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import io.gpux.registry.RegistryContext;
import io.gpux.registry.Secret;
import io.gpux.transfer.HttpCall;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Hub's HTTP API as {@code huggingface_hub} uses it: {@code HF_ENDPOINT}, a Bearer token from
 * {@code HF_TOKEN} (or the stored login), typed errors from {@code X-Error-Code}, and GitHub-style
 * {@code Link} pagination.
 */
final class HfApi {
  static final String DEFAULT_ENDPOINT = "https://huggingface.co";
  private static final ObjectMapper MAPPER = io.gpux.json.Json.mapper();
  private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"next\"");

  private final RegistryContext context;
  private final String endpoint;

  HfApi(RegistryContext context) {
    this.context = context;
    this.endpoint =
        io.gpux.registry.Endpoints.fromEnv(
            context,
            "HF_ENDPOINT",
            DEFAULT_ENDPOINT,
            "set HF_TOKEN or run `gpux login hf` for a token");
  }

  String endpoint() {
    return endpoint;
  }

  Optional<Secret> token() {
    return context.credentials().token("hf", List.of("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"));
  }

  Map<String, String> auth() {
    return token().map(t -> Map.of("Authorization", "Bearer " + t.reveal())).orElse(Map.of());
  }

  /** {@code GET /api/models/{id}/revision/{rev}?blobs=True}. */
  JsonNode modelInfo(String repo, String revision) {
    return getJson(
        endpoint + "/api/models/" + repo + "/revision/" + encode(revision) + "?blobs=True",
        repo,
        revision);
  }

  /** {@code GET /api/models/{id}/tree/{rev}?recursive=true}, all pages. */
  List<JsonNode> tree(String repo, String revision) {
    List<JsonNode> out = new ArrayList<>();
    String url = endpoint + "/api/models/" + repo + "/tree/" + encode(revision) + "?recursive=true";
    while (url != null) {
      HttpResponse<byte[]> r = get(url);
      check(r, repo, revision);
      parse(r).forEach(out::add);
      url = next(r);
    }
    return out;
  }

  /** {@code GET /api/models/{id}/commits/{rev}}: the history, newest first, up to {@code limit}. */
  List<JsonNode> commits(String repo, String revision, int limit) {
    List<JsonNode> out = new ArrayList<>();
    String url = endpoint + "/api/models/" + repo + "/commits/" + encode(revision);
    while (url != null && out.size() < limit) {
      HttpResponse<byte[]> r = get(url);
      check(r, repo, revision);
      for (JsonNode n : parse(r)) {
        if (out.size() < limit) {
          out.add(n);
        }
      }
      url = next(r);
    }
    return out;
  }

  /** {@code GET /api/collections/{owner}/{slug}}: a collection's title, description and items. */
  JsonNode collection(String owner, String slug) {
    return getJson(
        endpoint + "/api/collections/" + owner + "/" + slug,
        "collections/" + owner + "/" + slug,
        null);
  }

  JsonNode refs(String repo) {
    return getJson(endpoint + "/api/models/" + repo + "/refs", repo, null);
  }

  /** {@code GET /api/models?...}, following pages until {@code limit} items. */
  List<JsonNode> listModels(String query, int limit) {
    List<JsonNode> out = new ArrayList<>();
    String url = endpoint + "/api/models?" + query;
    while (url != null && out.size() < limit) {
      HttpResponse<byte[]> r = get(url);
      check(r, null, null);
      for (JsonNode n : parse(r)) {
        if (out.size() < limit) {
          out.add(n);
        }
      }
      url = next(r);
    }
    return out;
  }

  URI resolveUrl(String repo, String commit, String path) {
    StringBuilder sb =
        new StringBuilder(endpoint)
            .append('/')
            .append(repo)
            .append("/resolve/")
            .append(encode(commit));
    for (String segment : path.split("/")) {
      sb.append('/').append(encode(segment));
    }
    return URI.create(sb.toString());
  }

  HttpCall download(String repo, String commit, String path) {
    return HttpCall.get(resolveUrl(repo, commit, path))
        .header("Accept-Encoding", "identity")
        .credentials(auth())
        .timeout(java.time.Duration.ofMinutes(10));
  }

  private JsonNode getJson(String url, String repo, String revision) {
    HttpResponse<byte[]> r = get(url);
    check(r, repo, revision);
    return parse(r);
  }

  private HttpResponse<byte[]> get(String url) {
    return context
        .http()
        .send(
            HttpCall.get(URI.create(url)).header("Accept", "application/json").credentials(auth()),
            HttpResponse.BodyHandlers.ofByteArray());
  }

  private static JsonNode parse(HttpResponse<byte[]> r) {
    try {
      return MAPPER.readTree(r.body());
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "the Hub at " + r.uri().getAuthority() + " answered with something that is not JSON",
          "check HF_ENDPOINT");
    }
  }

  private static String next(HttpResponse<?> r) {
    for (String link : r.headers().allValues("link")) {
      Matcher m = NEXT.matcher(link);
      if (m.find()) {
        return m.group(1);
      }
    }
    return null;
  }

  /** Maps the Hub's typed errors ({@code X-Error-Code}) to messages that say what to do. */
  private void check(HttpResponse<byte[]> r, String repo, String revision) {
    int status = r.statusCode();
    if (status / 100 == 2) {
      return;
    }
    String code = r.headers().firstValue("x-error-code").orElse("");
    String message = r.headers().firstValue("x-error-message").orElse(bodyError(r));
    boolean hasToken = token().isPresent();
    String ref = repo == null ? endpoint : "hf:" + repo;
    switch (code) {
      case "RepoNotFound" ->
          throw GpuxException.notFound(
              "no model " + ref + " on " + endpoint + (hasToken ? "" : " (or it is private)"),
              hasToken
                  ? "check the name (gpux search arrives later; browse " + endpoint + ")"
                  : "check the name; for a private model set HF_TOKEN or run `gpux login hf`");
      case "GatedRepo" ->
          throw new GpuxException(
              ErrorCategory.INVALID_INPUT,
              ref + " is gated: " + message,
              hasToken
                  ? "accept the model's terms at "
                      + endpoint
                      + "/"
                      + repo
                      + " with the account of your token"
                  : "accept its terms at "
                      + endpoint
                      + "/"
                      + repo
                      + ", then set HF_TOKEN or run `gpux login hf`");
      case "RevisionNotFound" ->
          throw GpuxException.notFound(
              ref + " has no revision '" + revision + "'", revisionsHint(repo));
      case "EntryNotFound" -> throw GpuxException.notFound(ref + ": " + message, null);
      default -> {}
    }
    if (status == 401 || status == 403) {
      throw new GpuxException(
          ErrorCategory.INVALID_INPUT,
          "access denied (HTTP "
              + status
              + ") for "
              + ref
              + (message.isEmpty() ? "" : ": " + message),
          hasToken
              ? "your token lacks access to "
                  + ref
                  + "; check it at "
                  + endpoint
                  + "/settings/tokens"
              : "set HF_TOKEN or run `gpux login hf`");
    }
    if (status == 404) {
      throw GpuxException.notFound(
          "not found on " + endpoint + ": " + ref + (revision == null ? "" : "@" + revision),
          "check the name and revision");
    }
    throw GpuxException.unavailable(
        "the Hub answered HTTP "
            + status
            + " for "
            + ref
            + (message.isEmpty() ? "" : ": " + message),
        "retry later");
  }

  private String revisionsHint(String repo) {
    try {
      JsonNode refs = refs(repo);
      List<String> names = new ArrayList<>();
      refs.path("branches").forEach(b -> names.add(b.path("name").asText()));
      refs.path("tags").forEach(t -> names.add(t.path("name").asText()));
      return "its branches and tags: " + String.join(", ", names) + " (or give a commit sha)";
    } catch (GpuxException e) {
      return "give a branch, a tag or a commit sha";
    }
  }

  private static String bodyError(HttpResponse<byte[]> r) {
    try {
      JsonNode n = MAPPER.readTree(r.body());
      return n.path("error").asText("");
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
