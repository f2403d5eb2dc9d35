package io.gpux.registry.kaggle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import io.gpux.registry.Endpoints;
import io.gpux.registry.RegistryContext;
import io.gpux.transfer.HttpCall;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * kagglesdk's RPC protocol: {@code POST {base}/v1/models.ModelApiService/<Method>} with a camelCase
 * JSON body (fields at their defaults left out), answered with JSON; an error is a status of 400 or
 * more, or a JSON body whose {@code code} is.
 *
 * <p>Where the API is: {@code KAGGLE_API_ENDPOINT} (GPUX's own setting, a base URL under which
 * {@code /api/v1/...} lives, as kagglesdk serves every environment but production; {@code
 * https://api.kaggle.com} itself takes {@code /v1/...}), else {@code KAGGLE_API_ENVIRONMENT} as
 * kagglesdk 0.1.38 reads it ({@code PROD} or unset: {@code https://api.kaggle.com/v1}; {@code
 * LOCALHOST}: {@code http://localhost/api/v1}; {@code TEST}: {@code http://localhost:7777/api/v1};
 * {@code STAGING}, {@code ADMIN}, {@code QA}: their kaggle.com hosts, the first two behind Google's
 * IAP with {@code KAGGLE_IAP_TOKEN}).
 */
final class KaggleApi {
  static final String PROD = "https://api.kaggle.com";
  static final String SERVICE = "models.ModelApiService";
  private static final ObjectMapper MAPPER = io.gpux.json.Json.mapper();

  private final RegistryContext context;
  private final String base;
  private final String prefix;
  private final String web;
  private final KaggleCredentials credentials;
  private final String proxyAuthorization;

  KaggleApi(RegistryContext context) {
    this.context = context;
    this.credentials = new KaggleCredentials(context);
    String endpoint = context.env("KAGGLE_API_ENDPOINT", null);
    String environment = context.env("KAGGLE_API_ENVIRONMENT", "PROD");
    String iap = null;
    if (endpoint != null) {
      base =
          Endpoints.fromEnv(
              context,
              "KAGGLE_API_ENDPOINT",
              PROD,
              "set KAGGLE_API_TOKEN, or run `gpux login kaggle`");
      prefix = base.equalsIgnoreCase(PROD) ? "/v1/" : "/api/v1/";
    } else {
      base =
          switch (environment) {
            case "PROD" -> PROD;
            case "LOCALHOST" -> "http://localhost";
            case "TEST" -> "http://localhost:7777";
            case "STAGING" -> "https://staging.kaggle.com";
            case "ADMIN" -> "https://admin.kaggle.com";
            case "QA" -> "https://qa.kaggle.com";
            default ->
                throw GpuxException.invalidInput(
                    "KAGGLE_API_ENVIRONMENT=" + environment + " is not a Kaggle environment",
                    "use PROD (the default), LOCALHOST, TEST, STAGING, ADMIN or QA, or set"
                        + " KAGGLE_API_ENDPOINT to the API's base URL");
          };
      prefix = environment.equals("PROD") ? "/v1/" : "/api/v1/";
      if (environment.equals("STAGING") || environment.equals("ADMIN")) {
        iap = context.env("KAGGLE_IAP_TOKEN", null);
        if (iap == null) {
          throw GpuxException.invalidInput(
              "KAGGLE_API_ENVIRONMENT=" + environment + " needs KAGGLE_IAP_TOKEN",
              "set KAGGLE_IAP_TOKEN to an IAP token for " + base);
        }
      }
    }
    this.proxyAuthorization = iap;
    this.web = base.equalsIgnoreCase(PROD) ? "https://www.kaggle.com" : base;
  }

  /** The API's base URL, for messages and the lineage. */
  String base() {
    return base;
  }

  /** Where model pages are: {@code https://www.kaggle.com} for production. */
  String web() {
    return web;
  }

  RegistryContext context() {
    return context;
  }

  KaggleCredentials credentials() {
    return credentials;
  }

  URI method(String method) {
    return URI.create(base + prefix + SERVICE + "/" + method);
  }

  /** A POST of {@code body} to {@code method}, with the credentials for the API host only. */
  HttpCall call(String method, ObjectNode body) {
    byte[] bytes;
    try {
      bytes = MAPPER.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new GpuxException(ErrorCategory.INTERNAL, "cannot encode a Kaggle request", null, e);
    }
    Map<String, String> secret = new LinkedHashMap<>(credentials.headers());
    if (proxyAuthorization != null) {
      secret.put("Proxy-Authorization", "Bearer " + proxyAuthorization);
    }
    return HttpCall.post(method(method), bytes)
        .header("Content-Type", "application/json")
        .credentials(secret);
  }

  static ObjectNode body() {
    return MAPPER.createObjectNode();
  }

  /**
   * Calls {@code method} and returns its JSON answer.
   *
   * @param what the handle asked for, for messages
   */
  JsonNode rpc(String method, ObjectNode body, KaggleHandle what) {
    HttpResponse<byte[]> r =
        context.http().send(call(method, body), HttpResponse.BodyHandlers.ofByteArray());
    JsonNode json;
    try {
      json = r.body() == null || r.body().length == 0 ? null : MAPPER.readTree(r.body());
    } catch (IOException e) {
      json = null;
    }
    int code = r.statusCode();
    if (json != null && json.path("code").asInt(0) >= 400) {
      code = json.path("code").asInt();
    }
    if (code >= 400) {
      throw error(code, json == null ? null : json.path("message").asText(null), what);
    }
    if (json == null || !json.isObject()) {
      throw GpuxException.unavailable(
          "Kaggle at " + base + " answered " + method + " with something that is not JSON",
          "check KAGGLE_API_ENDPOINT / KAGGLE_API_ENVIRONMENT point at the Kaggle API");
    }
    return json;
  }

  /** A refused call, with the fix: credentials, the model's terms, the handle. */
  GpuxException error(int status, String message, KaggleHandle what) {
    String said = message == null || message.isBlank() ? "" : ": " + oneLine(message);
    String subject = what == null ? "the request" : "kaggle:" + what.display();
    String page = what == null ? web + "/models" : what.webUrl(web);
    KaggleCredentials.Found who = credentials.find().orElse(null);
    return switch (status) {
      case 401 ->
          who == null
              ? GpuxException.invalidInput(
                  "Kaggle needs credentials for " + subject + " (HTTP 401" + said + ")",
                  "create an API token at https://www.kaggle.com/settings and set"
                      + " KAGGLE_API_TOKEN, or run `gpux login kaggle`")
              : GpuxException.invalidInput(
                  "Kaggle refused the credentials from "
                      + who.source()
                      + " for "
                      + subject
                      + " (HTTP 401"
                      + said
                      + ")",
                  "they may be expired or revoked: create a new API token at"
                      + " https://www.kaggle.com/settings and set KAGGLE_API_TOKEN, or run `gpux"
                      + " login kaggle`");
      case 403 ->
          GpuxException.invalidInput(
              "Kaggle denied access to "
                  + subject
                  + " (HTTP 403"
                  + said
                  + ")"
                  + (who == null ? " without credentials" : " for the account of " + who.source()),
              who == null
                  ? "set KAGGLE_API_TOKEN (or run `gpux login kaggle`); if the model has terms,"
                      + " accept them on "
                      + page
                  : "the model may ask you to accept its terms first: do so on "
                      + page
                      + " with that account");
      case 404 ->
          GpuxException.notFound(
              "Kaggle has no " + subject + " (HTTP 404" + said + ")",
              "check the handle OWNER/MODEL/FRAMEWORK/VARIATION[/VERSION] on "
                  + web
                  + "/models"
                  + (who == null
                      ? "; a private model is only found with credentials (KAGGLE_API_TOKEN)"
                      : ""));
      case 400 ->
          GpuxException.invalidInput(
              "Kaggle refused the request for " + subject + " (HTTP 400" + said + ")",
              "check the handle OWNER/MODEL/FRAMEWORK/VARIATION[/VERSION]");
      default ->
          GpuxException.unavailable(
              "Kaggle at " + base + " failed for " + subject + " (HTTP " + status + said + ")",
              "retry later");
    };
  }

  private static String oneLine(String s) {
    String t = s.replaceAll("[\\r\\n\\t]+", " ").trim();
    return t.length() > 200 ? t.substring(0, 200) + "..." : t;
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
