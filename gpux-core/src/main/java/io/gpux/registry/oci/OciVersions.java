package io.gpux.registry.oci;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpux.error.GpuxException;
import io.gpux.registry.RemoteVersion;
import io.gpux.transfer.HttpCall;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A repository's tags ({@code /v2/<name>/tags/list}, paged through {@code Link: <...>;
 * rel="next"}), each resolved to its manifest digest with one HEAD; tags on one digest are one
 * version.
 */
final class OciVersions {
  private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

  /** Tags resolved to digests at most; a repository with more lists its newest-named ones. */
  static final int MAX_TAGS = 200;

  private OciVersions() {}

  static List<String> tags(OciClient client, String repo) {
    List<String> tags = new ArrayList<>();
    URI next = client.uri("/v2/" + repo + "/tags/list?n=100");
    for (int page = 0; next != null && page < 1000; page++) {
      HttpResponse<byte[]> r =
          client.send(
              HttpCall.get(next).header("Accept", "application/json"), OciClient.pullScope(repo));
      if (r.statusCode() != 200) {
        throw client.error(r, "repository " + repo);
      }
      try {
        JsonNode body = io.gpux.json.Json.mapper().readTree(r.body());
        body.path("tags").forEach(t -> tags.add(t.asText()));
      } catch (IOException e) {
        throw GpuxException.unavailable(
            client.host + " sent a tag list that is not JSON",
            "report it to the registry's operator");
      }
      next = null;
      for (String link : r.headers().allValues("link")) {
        Matcher m = NEXT.matcher(link);
        if (m.find()) {
          next = client.uri("").resolve(m.group(1));
          if (!next.getAuthority().equalsIgnoreCase(client.base.getAuthority())) {
            next = null; // a page elsewhere would get this host's credentials
          }
        }
      }
    }
    return tags;
  }

  static List<RemoteVersion> list(OciClient client, String repo) {
    List<String> tags = tags(client, repo);
    if (tags.size() > MAX_TAGS) {
      tags = tags.subList(tags.size() - MAX_TAGS, tags.size());
    }
    Map<String, List<String>> byDigest = new LinkedHashMap<>();
    for (int i = tags.size() - 1; i >= 0; i--) {
      String digest = client.digest(repo, tags.get(i));
      if (digest != null) {
        byDigest.computeIfAbsent(digest, d -> new ArrayList<>()).add(tags.get(i));
      }
    }
    List<RemoteVersion> out = new ArrayList<>();
    byDigest.forEach((d, t) -> out.add(new RemoteVersion(d, List.copyOf(t), null, null)));
    return out;
  }
}
