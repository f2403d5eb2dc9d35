package io.gpux.registry.torchhub;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpux.error.GpuxException;
import io.gpux.registry.Endpoints;
import io.gpux.registry.RegistryContext;
import io.gpux.transfer.HttpCall;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What torch.hub asks GitHub, against configurable hosts: the {@code tree/REF/} probe on the web
 * host, the branches and tags pages of the API ({@code per_page=100}, followed by their {@code
 * Link: rel="next"} until an empty page, as torch.hub pages until one), a commit by sha, and the
 * zipball URL.
 */
final class GitHub {
  static final String WEB_VARIABLE = "GPUX_GITHUB_URL";
  static final String API_VARIABLE = "GPUX_GITHUB_API_URL";
  static final String TOKEN_VARIABLE = "GITHUB_TOKEN";
  static final int PER_PAGE = 100;

  /** At most this many pages of branches or tags: 100,000 refs; a server that never ends stops. */
  static final int MAX_PAGES = 1000;

  private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

  private final RegistryContext context;
  final String web;
  final String api;
  private final String token;

  GitHub(RegistryContext context) {
    this.context = context;
    this.web =
        Endpoints.fromEnv(
            context, WEB_VARIABLE, "https://github.com", "set GITHUB_TOKEN for the API instead");
    this.api =
        Endpoints.fromEnv(
            context,
            API_VARIABLE,
            "https://api.github.com",
            "set GITHUB_TOKEN for the API instead");
    this.token = context.env(TOKEN_VARIABLE, null);
  }

  /** A branch or tag and the commit it points at. */
  record Ref(String name, String kind, String commit) {}

  /**
   * torch.hub's default branch: {@code main} when {@code tree/main/} exists (200), {@code master}
   * when it answers 404.
   */
  String defaultBranch(HubRef r) {
    HttpCall call = HttpCall.get(URI.create(web + "/" + r.repository() + "/tree/main/"));
    HttpResponse<byte[]> resp = context.http().send(call, HttpResponse.BodyHandlers.ofByteArray());
    return switch (resp.statusCode()) {
      case 200 -> "main";
      case 404 -> "master";
      default -> throw failed(resp.statusCode(), web, r, "the main-branch probe");
    };
  }

  /** Every branch, then every tag, as the API pages them. */
  List<Ref> refs(HubRef r) {
    return refs(r, x -> false);
  }

  /** The branches, then the tags, up to the first that {@code until} accepts (torch.hub's stop). */
  List<Ref> refs(HubRef r, java.util.function.Predicate<Ref> until) {
    List<Ref> out = new ArrayList<>();
    for (String kind : List.of("branches", "tags")) {
      String base = api + "/repos/" + r.repository() + "/" + kind + "?per_page=" + PER_PAGE;
      for (int page = 1; ; page++) {
        if (page > MAX_PAGES) {
          throw GpuxException.unavailable(
              "GitHub at " + api + " lists more than " + MAX_PAGES + " pages of " + kind,
              "check " + API_VARIABLE);
        }
        HttpResponse<byte[]> resp =
            context
                .http()
                .send(apiCall(base + "&page=" + page), HttpResponse.BodyHandlers.ofByteArray());
        if (resp.statusCode() == 404) {
          throw GpuxException.notFound(
              "GitHub has no repository " + r.repository() + " (HTTP 404 from " + api + ")",
              "check OWNER/REPO on "
                  + web
                  + "/"
                  + r.repository()
                  + (token == null ? "; a private repository needs GITHUB_TOKEN" : ""));
        }
        if (resp.statusCode() != 200) {
          throw failed(resp.statusCode(), api, r, "the " + kind + " list");
        }
        JsonNode items = json(resp.body(), r, kind);
        if (!items.isArray()) {
          throw GpuxException.unavailable(
              "GitHub at "
                  + api
                  + " answered the "
                  + kind
                  + " of "
                  + r.repository()
                  + " with something that is not a list",
              "check " + API_VARIABLE + " points at the GitHub API");
        }
        if (items.isEmpty()) {
          break; // torch.hub's end: an empty page
        }
        for (JsonNode b : items) {
          Ref ref =
              new Ref(
                  b.path("name").asText(),
                  kind.equals("branches") ? "branch" : "tag",
                  b.path("commit").path("sha").asText());
          out.add(ref);
          if (until.test(ref)) {
            return out;
          }
        }
        // GitHub's end: a Link header without rel="next" (saves torch.hub's extra empty page).
        if (!resp.headers().allValues("link").isEmpty() && !hasNext(resp)) {
          break;
        }
      }
    }
    return out;
  }

  /** The commit {@code sha} when the repository has it, else null. */
  String commit(HubRef r, String sha) {
    HttpResponse<byte[]> resp =
        context
            .http()
            .send(
                apiCall(api + "/repos/" + r.repository() + "/commits/" + sha),
                HttpResponse.BodyHandlers.ofByteArray());
    if (resp.statusCode() == 404 || resp.statusCode() == 422) {
      return null;
    }
    if (resp.statusCode() != 200) {
      throw failed(resp.statusCode(), api, r, "the commit " + sha);
    }
    String found = json(resp.body(), r, "commit").path("sha").asText("");
    return found.equals(sha) ? found : null;
  }

  /** GitHub's zip of the tree at {@code commit}: one top-level folder, OWNER-REPO-SHORTSHA. */
  HttpCall zipball(HubRef r, String commit) {
    return HttpCall.get(URI.create(web + "/" + r.repository() + "/zipball/" + commit))
        .header("User-Agent", "torch.hub")
        .timeout(java.time.Duration.ofMinutes(10));
  }

  private HttpCall apiCall(String url) {
    HttpCall call =
        HttpCall.get(URI.create(url)).header("Accept", "application/vnd.github.v3+json");
    // torch.hub's header; only for the API host (HttpCall drops it on a redirect elsewhere).
    return token == null ? call : call.credentials(Map.of("Authorization", "token " + token));
  }

  private static boolean hasNext(HttpResponse<?> resp) {
    for (String link : resp.headers().allValues("link")) {
      if (NEXT.matcher(link).find()) {
        return true;
      }
    }
    return false;
  }

  private JsonNode json(byte[] body, HubRef r, String what) {
    try {
      return io.gpux.json.Json.mapper().readTree(body);
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "GitHub at "
              + api
              + " answered the "
              + what
              + " of "
              + r.repository()
              + " with something that is not JSON",
          "check " + API_VARIABLE + " points at the GitHub API");
    }
  }

  private GpuxException failed(int status, String host, HubRef r, String what) {
    if (status == 401 || status == 403) {
      return GpuxException.invalidInput(
          "GitHub refused " + what + " of " + r.repository() + " (HTTP " + status + ")",
          token == null
              ? "set GITHUB_TOKEN: GitHub limits requests without one (60 an hour)"
              : "GITHUB_TOKEN may be expired, or lack access to the repository");
    }
    return GpuxException.unavailable(
        "GitHub at "
            + host
            + " answered "
            + what
            + " of "
            + r.repository()
            + " with HTTP "
            + status,
        "try again later, or check " + (host.equals(api) ? API_VARIABLE : WEB_VARIABLE));
  }
}
