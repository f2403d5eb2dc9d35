package io.gpux.registry.oci;

import io.gpux.error.GpuxException;
import io.gpux.registry.ModelSummary;
import io.gpux.registry.SearchQuery;
import io.gpux.transfer.HttpCall;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code gpux search -r oci HOST[/TEXT]}: the registry's {@code /v2/_catalog} (not in the OCI spec;
 * distribution, Harbor and Quay serve it to accounts allowed to), paged through {@code Link}, its
 * repositories filtered by TEXT. A registry that refuses it (GHCR, ECR, Docker Hub) is named as one
 * that cannot be searched.
 */
final class OciCatalog {
  private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
  private static final int MAX_PAGES = 100;

  private OciCatalog() {}

  static List<ModelSummary> search(OciRegistry registry, SearchQuery query) {
    String text = query.text() == null ? "" : query.text().trim();
    if (text.startsWith(OciReferences.SCHEME)) {
      text = text.substring(OciReferences.SCHEME.length());
    }
    if (text.isEmpty()) {
      throw GpuxException.invalidInput(
          "an OCI search needs the registry's host",
          "e.g. gpux search -r oci registry.example.com/team");
    }
    int slash = text.indexOf('/');
    String host = (slash < 0 ? text : text.substring(0, slash)).toLowerCase(Locale.ROOT);
    String filter = slash < 0 ? "" : text.substring(slash + 1).toLowerCase(Locale.ROOT);
    OciReferences.account(OciReferences.SCHEME + host); // checks the host
    OciClient client = registry.client(host);
    List<ModelSummary> out = new ArrayList<>();
    URI next = client.uri("/v2/_catalog?n=100");
    for (int page = 0; next != null && page < MAX_PAGES && out.size() < query.limit(); page++) {
      HttpResponse<byte[]> r =
          client.send(
              HttpCall.get(next).header("Accept", "application/json"), "registry:catalog:*");
      if (r.statusCode() == 401 || r.statusCode() == 403 || r.statusCode() == 404) {
        throw GpuxException.unavailable(
            host
                + " does not list its repositories to "
                + client.auth.login().map(l -> "these credentials").orElse("anonymous users")
                + " (/v2/_catalog: HTTP "
                + r.statusCode()
                + "), so it cannot be searched",
            "pull a reference you know, or list a repository's tags: gpux versions oci://"
                + host
                + "/REPO");
      }
      if (r.statusCode() != 200) {
        throw client.error(r, "the catalog");
      }
      try {
        for (var repo : io.gpux.json.Json.mapper().readTree(r.body()).path("repositories")) {
          String name = repo.asText();
          if (name.toLowerCase(Locale.ROOT).contains(filter) && out.size() < query.limit()) {
            String author = name.contains("/") ? name.substring(0, name.indexOf('/')) : null;
            out.add(
                new ModelSummary(
                    "oci",
                    host + "/" + name,
                    OciReferences.SCHEME + host + "/" + name,
                    null,
                    null,
                    author,
                    -1,
                    null,
                    null,
                    List.of(),
                    null));
          }
        }
      } catch (IOException e) {
        throw GpuxException.unavailable(
            host + " sent a catalog that is not JSON", "report it to the registry's operator");
      }
      next = null;
      for (String link : r.headers().allValues("link")) {
        Matcher m = NEXT.matcher(link);
        if (m.find()) {
          URI u = client.uri("").resolve(m.group(1));
          next =
              u.getAuthority() != null
                      && u.getAuthority().equalsIgnoreCase(client.base.getAuthority())
                  ? u
                  : null;
        }
      }
    }
    return out;
  }
}
