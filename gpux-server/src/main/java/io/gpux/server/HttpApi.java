package io.gpux.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpux.error.GpuxException;
import io.gpux.inference.Prediction;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The HTTP routes over the {@link InferenceService}, independent of the server that reads the
 * bytes:
 *
 * <ul>
 *   <li>Python GPUX: {@code POST /predict}, {@code GET /health}, {@code GET /info} (the first
 *       model, or {@code ?model=NAME}); {@code POST /predict/NAME[/versions/V]} for one of several
 *   <li>Open Inference Protocol v2: {@code /v2}, {@code /v2/health/live|ready}, {@code
 *       /v2/models/M[/versions/V]}, {@code .../ready}, {@code .../infer}, {@code .../stats}; the
 *       repository extension under {@code /v2/repository}
 *   <li>{@code GET /metrics}: Prometheus text
 * </ul>
 *
 * Each path has one method (GET, with HEAD, or POST); any other gets 405 with {@code Allow}.
 */
final class HttpApi {
  /** How a request is served: on the event loop, on the inference pool, or on the control pool. */
  enum Kind {
    /** Cheap answers from memory (health, metrics, metadata): never behind inference admission. */
    INLINE,
    /** Model runs: admitted by memory and slots, run on the bounded inference pool. */
    INFER,
    /** Loading and unloading models: slow, rare, on their own threads. */
    CONTROL,
    /**
     * The monitoring dashboard: reads of the history (a week of it can take a while) on a small
     * pool of its own, so they never hold an event loop or an inference slot.
     */
    DASHBOARD
  }

  private static final String GET = "GET, HEAD";
  private static final String POST = "POST";

  private final InferenceService service;
  private volatile io.gpux.monitor.Dashboard dashboard;

  HttpApi(InferenceService service) {
    this.service = service;
  }

  /** Serves the monitoring dashboard under {@code /dashboard/} (null: off, 404). */
  void dashboard(io.gpux.monitor.Dashboard d) {
    this.dashboard = d;
  }

  /**
   * {@code /dashboard} (redirected to {@code /dashboard/}, so the page's relative links resolve)
   * and everything below it.
   */
  private Response dashboard(Request r) {
    allow(r, GET);
    String rest = r.rawPath().substring("/dashboard".length());
    if (rest.isEmpty()) {
      String q = r.query() == null ? "" : "?" + r.query();
      return Response.text(308, "text/plain", "see /dashboard/")
          .with("Location", "/dashboard/" + q);
    }
    io.gpux.monitor.Dashboard d = dashboard;
    if (d == null) {
      throw new HttpError(
          404, "the dashboard is off: this server records no history (started with --no-history)");
    }
    io.gpux.monitor.Dashboard.Page p = d.get(rest, r.query());
    return new Response(p.status(), p.contentType(), Map.of("Cache-Control", "no-store"), p.body());
  }

  /** Decided from the request line alone, before the body is read. */
  static Kind kind(String method, String rawPath) {
    if (!method.equals("POST")) {
      return rawPath.equals("/dashboard") || rawPath.startsWith("/dashboard/")
          ? Kind.DASHBOARD
          : Kind.INLINE;
    }
    String path = trim(rawPath);
    if (path.equals("/predict") || path.startsWith("/predict/") || path.endsWith("/infer")) {
      return Kind.INFER;
    }
    return path.startsWith("/v2/repository/models/") ? Kind.CONTROL : Kind.INLINE;
  }

  /** Answers a request; every failure becomes {@code {"error": ...}} with its status. */
  Response handle(Request r) {
    try {
      return route(r);
    } catch (HttpError e) {
      return e.response();
    } catch (GpuxException e) {
      return HttpError.of(e).response();
    } catch (RuntimeException e) {
      return Response.error(500, "internal error: " + e);
    }
  }

  private Response route(Request r) {
    if (r.rawPath().equals("/dashboard") || r.rawPath().startsWith("/dashboard/")) {
      return dashboard(r);
    }
    String path = trim(r.rawPath());
    List<String> seg = segments(path);
    String method = r.method();
    String first = seg.isEmpty() ? "" : seg.get(0);
    switch (first) {
      case "health" -> {
        if (seg.size() == 1) {
          allow(r, GET);
          return Response.json(
              200, Map.of("status", "healthy", "model", byQuery(r.query()).name()));
        }
      }
      case "info" -> {
        if (seg.size() == 1) {
          allow(r, GET);
          return Response.json(200, service.info(byQuery(r.query())));
        }
      }
      case "metrics" -> {
        if (seg.size() == 1) {
          allow(r, GET);
          return new Response(
              200,
              service.metrics.prometheusContentType(),
              Map.of(),
              service.metrics.prometheusText());
        }
      }
      case "predict" -> {
        allow(r, POST);
        ServedModel m = seg.size() == 1 ? service.models.first() : predictTarget(seg);
        return predict(r, m);
      }
      case "v2" -> {
        return v2(r, path, seg);
      }
      default -> {}
    }
    throw new HttpError(404, "no route " + method + " " + path + "; see /v2 or POST /predict");
  }

  private Response v2(Request r, String path, List<String> seg) {
    String rest = String.join("/", seg.subList(1, seg.size()));
    switch (rest) {
      case "" -> {
        allow(r, GET);
        ObjectNode o =
            Exchange.MAPPER
                .createObjectNode()
                .put("name", "gpux")
                .put("version", io.gpux.Gpux.version());
        o.putArray("extensions")
            .add("binary_tensor_data")
            .add("statistics")
            .add("model_repository");
        return Response.json(200, o);
      }
      case "health/live" -> {
        allow(r, GET);
        return Response.json(200, Map.of("live", true));
      }
      case "health/ready" -> {
        allow(r, GET);
        return Response.json(service.ready() ? 200 : 503, Map.of("ready", service.ready()));
      }
      case "models/stats" -> {
        allow(r, GET);
        return Response.json(200, service.statistics(service.models.all()));
      }
      case "repository/index" -> {
        allow(r, POST);
        return Response.json(200, service.repositoryIndex());
      }
      default -> {}
    }
    if (seg.size() >= 3 && seg.get(1).equals("models")) {
      return v2Model(r, seg);
    }
    if (path.startsWith("/v2/repository/models/")) {
      allow(r, POST);
      return modelControl(r);
    }
    throw new HttpError(404, "no route " + r.method() + " " + path + "; see /v2 or POST /predict");
  }

  /** /v2/models/M[/versions/V][/ready|/infer|/stats]; M may span segments (names with '/'). */
  private Response v2Model(Request r, List<String> seg) {
    int n = service.models.match(seg, 2);
    if (n == 0) {
      service.models.get(seg.get(2)); // throws 404 naming what is served
    }
    String name = service.models.canonical(String.join("/", seg.subList(2, 2 + n)));
    int i = 2 + n;
    ServedModel m;
    if (seg.size() > i + 1 && seg.get(i).equals("versions")) {
      m = service.models.get(name, seg.get(i + 1));
      i += 2;
    } else {
      m = service.models.get(name);
    }
    if (seg.size() > i + 1) {
      throw new HttpError(404, "no route " + r.method() + " " + trim(r.rawPath()));
    }
    String action = seg.size() > i ? seg.get(i) : "";
    switch (action) {
      case "" -> {
        allow(r, GET);
        return Response.json(200, OpenInference.metadata(m));
      }
      case "stats" -> {
        allow(r, GET);
        return Response.json(200, service.statistics(List.of(m)));
      }
      case "ready" -> {
        allow(r, GET);
        return Response.json(
            service.ready() ? 200 : 503, Map.of("name", m.name(), "ready", service.ready()));
      }
      case "infer" -> {
        allow(r, POST);
        return infer(r, m);
      }
      default -> throw new HttpError(404, "no route " + r.method() + " " + trim(r.rawPath()));
    }
  }

  /**
   * POST /v2/repository/models/NAME/load|unload: explicit model control. NAME may be a path or a
   * reference, percent-encoded or not (tritonclient leaves a '/' in it), so the raw path is split.
   */
  private Response modelControl(Request r) {
    String raw = trim(r.rawPath());
    String prefix = "/v2/repository/models/";
    int slash = raw.lastIndexOf('/');
    String action = raw.substring(slash + 1);
    if (slash <= prefix.length() || !(action.equals("load") || action.equals("unload"))) {
      throw new HttpError(404, "use POST /v2/repository/models/NAME/load or .../unload");
    }
    String name = decode(raw.substring(prefix.length(), slash));
    if (action.equals("load")) {
      service.load(name);
    } else {
      service.unload(name);
    }
    return Response.json(200, Exchange.MAPPER.createObjectNode());
  }

  private Response predict(Request r, ServedModel requested) {
    String[] version = new String[1];
    byte[] answer =
        service.infer(
            requested,
            (m, t) -> {
              version[0] = m.version();
              Prediction p =
                  m.model().label(service.run(m, PredictRequest.read(m.model(), r.body()), t));
              // Streamed from the tensors: a tree of boxed numbers for a large output would cost
              // several times the answer's size in garbage.
              ByteArrayOutputStream out = new ByteArrayOutputStream(256);
              try (JsonGenerator g = Exchange.MAPPER.getFactory().createGenerator(out)) {
                p.writeJson(g);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
              return out.toByteArray();
            });
    // The Python GPUX's body has no version; the header says which one answered (--follow).
    return new Response(200, "application/json", Map.of(), answer).with(MODEL_VERSION, version[0]);
  }

  /** On every inference answer: the version of the model that computed it. */
  static final String MODEL_VERSION = "Gpux-Model-Version";

  /**
   * An Open Inference Protocol request, JSON or with the binary tensor extension (then the body is
   * a JSON header of {@code Inference-Header-Content-Length} bytes followed by raw tensors).
   */
  private Response infer(Request r, ServedModel requested) {
    String headerLength = r.header().apply("Inference-Header-Content-Length");
    if (headerLength == null) {
      String[] version = new String[1];
      OpenInference.Reply reply =
          service.infer(
              requested,
              (m, t) -> {
                version[0] = m.version();
                OipRequest req = OipRequest.read(m.model(), r.body(), -1);
                return OpenInference.response(m, req, service.run(m, req.feeds(), t), false);
              });
      return new Response(200, "application/json", Map.of(), reply.body())
          .with(MODEL_VERSION, version[0]);
    }
    long jsonLength;
    try {
      jsonLength = Long.parseLong(headerLength.trim());
    } catch (NumberFormatException e) {
      throw new HttpError(400, "Inference-Header-Content-Length is not a number: " + headerLength);
    }
    if (jsonLength < 0) {
      throw new HttpError(
          400,
          "Inference-Header-Content-Length is negative ("
              + jsonLength
              + "); it is the JSON header's length in bytes");
    }
    if (jsonLength > r.body().length()) {
      throw new HttpError(
          400,
          "Inference-Header-Content-Length "
              + jsonLength
              + " exceeds the body ("
              + r.body().length()
              + " bytes)");
    }
    String[] version = new String[1];
    OpenInference.Reply reply =
        service.infer(
            requested,
            (m, t) -> {
              version[0] = m.version();
              OipRequest req = OipRequest.read(m.model(), r.body(), jsonLength);
              return OpenInference.response(m, req, service.run(m, req.feeds(), t), true);
            });
    return new Response(
            200,
            reply.jsonLength() == reply.body().length
                ? "application/json"
                : "application/octet-stream",
            Map.of(),
            reply.body())
        .with("Inference-Header-Content-Length", Integer.toString(reply.jsonLength()))
        .with(MODEL_VERSION, version[0]);
  }

  private ServedModel byQuery(String query) {
    if (query != null && query.startsWith("model=")) {
      return service.models.get(decode(query.substring("model=".length())));
    }
    return service.models.first();
  }

  /** /predict/NAME or /predict/NAME/versions/V; NAME may span segments. */
  private ServedModel predictTarget(List<String> seg) {
    int n = service.models.match(seg, 1);
    if (n == 0) {
      return service.models.get(seg.get(1)); // throws 404 naming what is served
    }
    String name = service.models.canonical(String.join("/", seg.subList(1, 1 + n)));
    int rest = seg.size() - 1 - n;
    if (rest == 0) {
      return service.models.get(name);
    }
    if (rest == 2 && seg.get(1 + n).equals("versions")) {
      return service.models.get(name, seg.get(2 + n));
    }
    throw new HttpError(404, "use POST /predict/NAME or /predict/NAME/versions/V");
  }

  private static void allow(Request r, String allowed) {
    boolean ok =
        allowed.equals(POST)
            ? r.method().equals("POST")
            : r.method().equals("GET") || r.method().equals("HEAD");
    if (!ok) {
      throw HttpError.methodNotAllowed(r.method(), trim(r.rawPath()), allowed);
    }
  }

  /** Path segments that end a model's name in a route (what follows NAME). */
  private static final java.util.Set<String> AFTER_NAME =
      java.util.Set.of("versions", "infer", "ready", "stats", "config", "load", "unload");

  /**
   * The model a request's path or query names, as sent, for the log; null when it names none. A
   * name with '/' sent as it is spans the segments up to the route's next word.
   */
  static String modelOf(String rawPath, String query) {
    List<String> seg;
    try {
      seg = segments(trim(rawPath));
    } catch (HttpError malformed) {
      return null;
    }
    int from = -1;
    if (!seg.isEmpty() && seg.get(0).equals("predict")) {
      from = 1;
    } else if (seg.size() > 2 && seg.get(0).equals("v2") && seg.get(1).equals("models")) {
      from = 2;
    } else if (seg.size() > 3 && seg.get(0).equals("v2") && seg.get(1).equals("repository")) {
      from = 3;
    }
    if (from < 0 || from >= seg.size()) {
      return queryModel(query);
    }
    int to = from + 1;
    while (to < seg.size() && !AFTER_NAME.contains(seg.get(to))) {
      to++;
    }
    String name = String.join("/", seg.subList(from, to));
    return name.equals("stats") ? null : name;
  }

  private static String queryModel(String query) {
    if (query == null) {
      return null;
    }
    for (String kv : query.split("&")) {
      if (kv.startsWith("model=")) {
        try {
          return java.net.URLDecoder.decode(kv.substring(6), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
          return kv.substring(6);
        }
      }
    }
    return null;
  }

  private static String trim(String rawPath) {
    int end = rawPath.length();
    while (end > 1 && rawPath.charAt(end - 1) == '/') {
      end--;
    }
    return rawPath.substring(0, end);
  }

  /** The path's segments, each percent-decoded (an encoded '/' stays inside its segment). */
  private static List<String> segments(String rawPath) {
    List<String> out = new ArrayList<>();
    for (String s : rawPath.split("/")) {
      if (!s.isEmpty()) {
        out.add(decode(s));
      }
    }
    return out;
  }

  /** Percent-decoding as in a URL path: '+' is a plus, not a space. */
  static String decode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%') {
        int v = i + 2 < s.length() ? hex(s.charAt(i + 1)) << 4 | hex(s.charAt(i + 2)) : -1;
        if (v < 0) {
          throw new HttpError(400, "the path has a malformed percent-escape: " + s);
        }
        out.write(v);
        i += 2;
      } else {
        out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static int hex(char c) {
    int d = Character.digit(c, 16);
    return d < 0 ? -1024 : d;
  }
}
