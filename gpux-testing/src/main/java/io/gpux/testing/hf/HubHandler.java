package io.gpux.testing.hf;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Records each request, then routes it. Everything the real Hub would answer and the fake does not
 * know is reported as an unknown route (404 with a clear {@code X-Error-Message}), so a newer
 * client calling something new fails a test loudly instead of being half-served.
 */
final class HubHandler implements HttpHandler {
  private static final System.Logger LOG = System.getLogger(FakeHfHub.class.getName());

  private final FakeHfHub hub;
  private final ApiRoutes api;
  private final FileRoutes files;

  HubHandler(FakeHfHub hub) {
    this.hub = hub;
    this.api = new ApiRoutes(hub);
    this.files = new FileRoutes(hub);
  }

  @Override
  public void handle(HttpExchange x) throws IOException {
    RecordedRequest req = record(x);
    hub.record(req);
    hub.entered(req);
    try {
      route(x, req);
    } catch (FileRoutes.HangUp e) {
      throw e; // leaving with an IOException makes the JDK server close the connection
    } catch (IOException e) {
      LOG.log(System.Logger.Level.DEBUG, "fake hub: " + req + ": " + e);
      throw e;
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "fake hub: " + req + " failed", e);
      Reply.error(x, 500, null, "fake hub: " + e);
    } finally {
      x.close();
      hub.left(req);
    }
  }

  private void route(HttpExchange x, RecordedRequest req) throws IOException {
    String raw = req.rawPath();
    Query q = new Query(req.query());
    boolean cdn = raw.startsWith("/cdn/");
    if (!req.method().equals("GET") && !req.method().equals("HEAD")) {
      hub.unknownRoute(x, req);
      return;
    }
    if (!cdn && hub.requiredToken() != null && !hub.requiredToken().equals(req.token())) {
      Reply.error(
          x,
          401,
          null,
          req.token() == null
              ? "Authorization header is required by this hub"
              : "Invalid credentials in Authorization header");
      return;
    }
    if (!cdn && !raw.contains("/resolve/")) {
      Fault fault = hub.faults().take(req, null, false);
      if (fault instanceof Fault.Status s) {
        Map<String, String> h = Reply.headers();
        if (s.retryAfter() != null) {
          h.put("Retry-After", Long.toString(s.retryAfter().toSeconds()));
        }
        Reply.error(x, s.code(), null, "fake hub: injected status " + s.code(), h);
        return;
      }
    }
    String[] seg = raw.substring(1).split("/", 4);
    if (raw.equals("/api/models")) {
      api.listModels(x, req, q);
    } else if (raw.startsWith("/api/models/")) {
      api.repo(x, req, raw.substring("/api/models/".length()), q);
    } else if (raw.startsWith("/api/collections/") && seg.length == 4) {
      // GET /api/collections/{owner}/{slug}: a collection, or the Hub's 404.
      Map<String, Object> c = hub.collection(Query.decodePath(seg[2] + "/" + seg[3]));
      if (c == null) {
        Reply.error(x, 404, null, "Collection not found");
      } else {
        Reply.json(x, 200, c, Map.of());
      }
    } else if (raw.equals("/api/whoami-v2")) {
      api.whoami(x, req);
    } else if (cdn && seg.length == 2) {
      files.cdn(x, req, seg[1]);
    } else if (seg.length == 4 && seg[2].equals("resolve") && !seg[0].equals("api")) {
      files.resolve(x, req, Query.decodePath(seg[0]) + "/" + Query.decodePath(seg[1]), seg[3]);
    } else {
      hub.unknownRoute(x, req);
    }
  }

  private static RecordedRequest record(HttpExchange x) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    x.getRequestHeaders()
        .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
    String host = x.getRequestHeaders().getFirst("Host");
    host = host == null ? "" : host.replaceAll(":\\d+$", "");
    String raw = x.getRequestURI().getRawPath();
    return new RecordedRequest(
        x.getRequestMethod(),
        host,
        Query.decodePath(raw),
        raw,
        x.getRequestURI().getRawQuery(),
        headers);
  }
}
