package io.gpux.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The system's headless Chromium driven over the DevTools protocol (a WebSocket, the JDK's client):
 * enough to load a page, evaluate script in it, collect its console errors and uncaught exceptions,
 * and take screenshots. No driver binary, nothing downloaded.
 */
final class DevTools implements AutoCloseable {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final Process browser;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  final List<String> errors = new CopyOnWriteArrayList<>();

  private DevTools(Process browser, WebSocket socket) {
    this.browser = browser;
    this.socket = socket;
  }

  static boolean available() {
    return Files.isExecutable(Path.of("/usr/bin/chromium"));
  }

  /** Starts the browser on {@code url} with a fresh profile in {@code profile}. */
  static DevTools open(String url, Path profile) throws Exception {
    Process p =
        new ProcessBuilder(
                "/usr/bin/chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=1400,1800",
                "--remote-debugging-port=0",
                "--user-data-dir=" + profile,
                "about:blank")
            .redirectErrorStream(true)
            .redirectOutput(profile.resolveSibling(profile.getFileName() + ".log").toFile())
            .start();
    Path active = profile.resolve("DevToolsActivePort");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(active) || Files.readAllLines(active).size() < 2) {
      if (System.nanoTime() > deadline || !p.isAlive()) {
        p.destroyForcibly();
        throw new AssertionError("chromium did not start (see " + profile + ".log)");
      }
      Thread.sleep(50);
    }
    int port = Integer.parseInt(Files.readAllLines(active).get(0).trim());
    HttpClient http = HttpClient.newHttpClient();
    String pageSocket = null;
    for (JsonNode t :
        MAPPER.readTree(
            http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body())) {
      if (t.get("type").asText().equals("page")) {
        pageSocket = t.get("webSocketDebuggerUrl").asText();
      }
    }
    DevTools[] self = new DevTools[1];
    StringBuilder partial = new StringBuilder();
    WebSocket ws =
        http.newWebSocketBuilder()
            .buildAsync(
                URI.create(pageSocket),
                new WebSocket.Listener() {
                  @Override
                  public java.util.concurrent.CompletionStage<?> onText(
                      WebSocket w, CharSequence data, boolean last) {
                    partial.append(data);
                    if (last) {
                      String msg = partial.toString();
                      partial.setLength(0);
                      while (self[0] == null) {
                        Thread.onSpinWait();
                      }
                      self[0].receive(msg);
                    }
                    w.request(1);
                    return null;
                  }
                })
            .get(30, TimeUnit.SECONDS);
    DevTools d = new DevTools(p, ws);
    self[0] = d;
    d.call("Runtime.enable", MAPPER.createObjectNode());
    d.call("Log.enable", MAPPER.createObjectNode());
    d.call("Page.enable", MAPPER.createObjectNode());
    d.navigate(url);
    return d;
  }

  private void receive(String msg) {
    try {
      JsonNode m = MAPPER.readTree(msg);
      if (m.has("id")) {
        CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
        if (f != null) {
          f.complete(m);
        }
        return;
      }
      String method = m.path("method").asText();
      JsonNode params = m.path("params");
      if (method.equals("Runtime.consoleAPICalled")
          && params.path("type").asText().matches("error|assert")) {
        errors.add("console." + params.path("type").asText() + ": " + params.path("args"));
      } else if (method.equals("Runtime.exceptionThrown")) {
        errors.add("exception: " + params.path("exceptionDetails"));
      } else if (method.equals("Log.entryAdded")
          && params.path("entry").path("level").asText().equals("error")) {
        errors.add(
            "log: "
                + params.path("entry").path("text").asText()
                + " "
                + params.path("entry").path("url").asText());
      }
    } catch (Exception e) {
      errors.add("unreadable DevTools message: " + e);
    }
  }

  JsonNode call(String method, ObjectNode params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> f = new CompletableFuture<>();
    pending.put(id, f);
    ObjectNode m = MAPPER.createObjectNode().put("id", id).put("method", method);
    m.set("params", params);
    socket.sendText(MAPPER.writeValueAsString(m), true).get(30, TimeUnit.SECONDS);
    JsonNode answer = f.get(60, TimeUnit.SECONDS);
    if (answer.has("error")) {
      throw new AssertionError(method + ": " + answer.get("error"));
    }
    return answer.get("result");
  }

  void navigate(String url) throws Exception {
    call("Page.navigate", MAPPER.createObjectNode().put("url", url));
  }

  /** The value of a script expression (awaited when it is a promise), as JSON. */
  JsonNode eval(String expression) throws Exception {
    JsonNode r =
        call(
            "Runtime.evaluate",
            MAPPER
                .createObjectNode()
                .put("expression", "JSON.stringify(" + expression + ")")
                .put("awaitPromise", true)
                .put("returnByValue", true));
    if (r.has("exceptionDetails")) {
      throw new AssertionError(expression + ": " + r.get("exceptionDetails"));
    }
    JsonNode v = r.path("result").path("value");
    return v.isMissingNode() || v.isNull() ? null : MAPPER.readTree(v.asText());
  }

  void screenshot(Path file) throws Exception {
    JsonNode r = call("Page.captureScreenshot", MAPPER.createObjectNode().put("format", "png"));
    Files.createDirectories(file.getParent());
    Files.write(file, Base64.getDecoder().decode(r.get("data").asText()));
  }

  List<String> errors() {
    return new ArrayList<>(errors);
  }

  @Override
  public void close() throws Exception {
    try {
      socket.abort();
    } finally {
      browser.destroy();
      if (!browser.waitFor(10, TimeUnit.SECONDS)) {
        browser.destroyForcibly();
      }
    }
  }
}
