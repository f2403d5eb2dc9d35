package io.gpux.registry.wandb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import io.gpux.registry.RegistryContext;
import io.gpux.registry.Secret;
import io.gpux.transfer.HttpCall;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * W&amp;B's GraphQL API as the official client uses it: {@code POST {WANDB_BASE_URL}/graphql} with
 * a fixed document and variables, Basic auth as user {@code api}. GraphQL errors (HTTP 200 with
 * {@code errors}) and HTTP failures become {@link GpuxException}s; 429 and 5xx are retried by the
 * transport (honouring {@code Retry-After}), 400/401/403/404 never.
 */
final class WandbGraphql {
  static final String DEFAULT_BASE_URL = "https://api.wandb.ai";
  private static final ObjectMapper MAPPER = io.gpux.json.Json.mapper();

  private final RegistryContext context;
  private final String baseUrl;

  WandbGraphql(RegistryContext context) {
    this.context = context;
    this.baseUrl =
        io.gpux.registry.Endpoints.fromEnv(
            context,
            "WANDB_BASE_URL",
            DEFAULT_BASE_URL,
            "set WANDB_API_KEY or run `gpux login wandb` for the API key");
  }

  String baseUrl() {
    return baseUrl;
  }

  RegistryContext context() {
    return context;
  }

  /** The API key: {@code WANDB_API_KEY}, else {@code ~/.netrc}, else {@code gpux login wandb}. */
  Optional<Secret> apiKey() {
    String env = context.env().get("WANDB_API_KEY");
    if (env != null && !env.isBlank()) {
      return Optional.of(new Secret(env.trim()));
    }
    String home = context.env().get("HOME");
    if (home != null) {
      Optional<Secret> fromNetrc =
          Netrc.password(java.nio.file.Path.of(home, ".netrc"), URI.create(baseUrl).getHost());
      if (fromNetrc.isPresent()) {
        return fromNetrc;
      }
    }
    return context.credentials().token("wandb", List.of());
  }

  private Map<String, String> auth() {
    return apiKey()
        .map(
            k ->
                Map.of(
                    "Authorization",
                    "Basic "
                        + Base64.getEncoder()
                            .encodeToString(
                                ("api:" + k.reveal()).getBytes(StandardCharsets.UTF_8))))
        .orElse(Map.of());
  }

  /** Runs one document and returns its {@code data}. */
  JsonNode query(String document, Map<String, Object> variables) {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("query", document);
    body.set("variables", MAPPER.valueToTree(variables));
    byte[] bytes;
    try {
      bytes = MAPPER.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new GpuxException(ErrorCategory.INTERNAL, "cannot encode a GraphQL request", null, e);
    }
    HttpCall call =
        HttpCall.post(URI.create(baseUrl + "/graphql"), bytes)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .credentials(auth());
    HttpResponse<byte[]> r = context.http().send(call, HttpResponse.BodyHandlers.ofByteArray());
    check(r);
    JsonNode json;
    try {
      json = MAPPER.readTree(r.body());
    } catch (IOException e) {
      json = null;
    }
    if (json == null || !json.isObject()) {
      throw GpuxException.unavailable(
          "W&B at " + baseUrl + " answered with something that is not GraphQL JSON",
          "check WANDB_BASE_URL points at a W&B server");
    }
    JsonNode errors = json.path("errors");
    if (errors.isArray() && !errors.isEmpty()) {
      List<String> messages = new ArrayList<>();
      errors.forEach(e -> messages.add(e.path("message").asText(e.toString())));
      throw GpuxException.unavailable(
          "W&B at " + baseUrl + " answered with an error: " + String.join("; ", messages),
          "check the reference; if it persists, the server may be older than this client");
    }
    return json.path("data");
  }

  /**
   * Follows a Relay connection: {@code connection} picks the connection out of each page's data (or
   * null when the parent is missing); each edge goes to {@code edge}.
   */
  void paginate(
      String document,
      Map<String, Object> variables,
      java.util.function.Function<JsonNode, JsonNode> connection,
      int limit,
      Consumer<JsonNode> edge) {
    String cursor = null;
    int seen = 0;
    while (true) {
      Map<String, Object> vars = new java.util.HashMap<>(variables);
      vars.put("cursor", cursor);
      vars.put("perPage", 100);
      JsonNode conn = connection.apply(query(document, vars));
      if (conn == null || conn.isMissingNode() || conn.isNull()) {
        return;
      }
      for (JsonNode e : conn.path("edges")) {
        if (seen++ >= limit) {
          return;
        }
        edge.accept(e);
      }
      JsonNode info = conn.path("pageInfo");
      if (!info.path("hasNextPage").asBoolean(false)) {
        return;
      }
      String next = info.path("endCursor").asText(null);
      if (next == null || next.equals(cursor)) {
        return;
      }
      cursor = next;
    }
  }

  /** GETs a URL outside the API (a manifest's directUrl): never with credentials. */
  JsonNode getJson(String url, String what) {
    HttpResponse<byte[]> r =
        context.http().send(HttpCall.get(URI.create(url)), HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() / 100 != 2) {
      throw GpuxException.unavailable(
          "fetching the manifest of " + what + " failed with HTTP " + r.statusCode(),
          "retry later; if it persists the artifact's storage is unreachable");
    }
    try {
      return MAPPER.readTree(r.body());
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "the manifest of " + what + " is not JSON", "check WANDB_BASE_URL");
    }
  }

  private void check(HttpResponse<byte[]> r) {
    int status = r.statusCode();
    if (status / 100 == 2) {
      return;
    }
    boolean hasKey = apiKey().isPresent();
    if (status == 401 || status == 403) {
      throw new GpuxException(
          ErrorCategory.INVALID_INPUT,
          hasKey
              ? "W&B at " + baseUrl + " rejected the API key (HTTP " + status + ")"
              : "W&B at " + baseUrl + " needs an API key (HTTP " + status + ")",
          hasKey
              ? "check WANDB_API_KEY (or the key from `gpux login wandb`) at "
                  + baseUrl.replace("api.", "")
                  + "/authorize"
              : "set WANDB_API_KEY, add the host to ~/.netrc, or run `gpux login wandb`");
    }
    if (status == 404) {
      throw GpuxException.notFound(
          "no W&B GraphQL API at " + baseUrl + "/graphql (HTTP 404)",
          "check WANDB_BASE_URL (e.g. https://api.wandb.ai)");
    }
    throw GpuxException.unavailable(
        "W&B at " + baseUrl + " answered HTTP " + status, "retry later");
  }
}
