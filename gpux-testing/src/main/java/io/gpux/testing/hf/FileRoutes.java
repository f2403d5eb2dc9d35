package io.gpux.testing.hf;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Downloads: {@code HEAD|GET /{org}/{name}/resolve/{rev}/{path}} and the CDN behind it, {@code GET
 * /cdn/{sha256}}. A regular file is answered directly with {@code X-Repo-Commit}, its git blob id
 * as {@code ETag} and its exact length; an LFS file is a 302 to the CDN with {@code X-Linked-Etag}
 * (the sha256) and {@code X-Linked-Size}, because {@code huggingface_hub} takes the download URL
 * and size from that redirect without following it. Scripted faults apply here.
 */
final class FileRoutes {
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

  /** Thrown after a deliberate short body, so the server closes the connection. */
  static final class HangUp extends IOException {
    private static final long serialVersionUID = 1L;

    HangUp(String message) {
      super(message);
    }
  }

  private final FakeHfHub hub;

  FileRoutes(FakeHfHub hub) {
    this.hub = hub;
  }

  /** {@code rest} is the raw {@code {rev}/{path}} after {@code /resolve/}. */
  void resolve(HttpExchange x, RecordedRequest req, String id, String rest) throws IOException {
    FakeRepo repo = RepoAccess.visible(x, hub, id, req);
    if (repo == null || !RepoAccess.downloadable(x, repo, req)) {
      return;
    }
    String[] seg = rest.split("/", -1);
    String rev = Query.decodePath(seg[0]);
    int pathFrom = 1;
    // The client encodes refs/pr/1 as one segment; a hand-written URL may not.
    if (repo.resolve(rev) == null && rev.equals("refs") && seg.length > 3) {
      rev = Query.decodePath(seg[0] + "/" + seg[1] + "/" + seg[2]);
      pathFrom = 3;
    }
    String sha = RepoAccess.commit(x, repo, rev, Map.of());
    if (sha == null) {
      return;
    }
    String path =
        Query.decodePath(String.join("/", java.util.Arrays.copyOfRange(seg, pathFrom, seg.length)));
    Map<String, String> headers = Reply.headers();
    headers.put("X-Repo-Commit", sha);
    HubFile f = repo.commitAt(sha).files().get(path);
    if (f == null) {
      Reply.error(x, 404, "EntryNotFound", path + " does not exist on \"" + rev + "\"", headers);
      return;
    }
    headers.put("ETag", quoted(f.etag()));
    if (f.lfs()) {
      Fault fault = hub.faults().take(req, f, false);
      if (fault instanceof Fault.Status s) {
        status(x, s, headers);
        return;
      }
      headers.put("X-Linked-Etag", quoted(f.sha256()));
      headers.put("X-Linked-Size", Long.toString(f.size()));
      headers.put("Location", hub.cdnUrl(f.sha256()));
      Reply.empty(x, 302, headers);
      return;
    }
    String name = path.substring(path.lastIndexOf('/') + 1);
    headers.put(
        "Content-Disposition",
        "inline; filename*=UTF-8''"
            + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20")
            + "; filename=\""
            + name.replace("\"", "")
            + "\";");
    send(x, req, f, headers);
  }

  /** {@code GET /cdn/{sha256}}: content-addressed and unauthenticated, as a signed CDN URL is. */
  void cdn(HttpExchange x, RecordedRequest req, String sha256) throws IOException {
    HubFile f = hub.lfsBlob(sha256);
    if (f == null) {
      Reply.error(x, 404, null, "fake hub CDN: no LFS object " + sha256);
      return;
    }
    Map<String, String> headers = Reply.headers();
    headers.put("ETag", quoted(f.sha256()));
    send(x, req, f, headers);
  }

  /** Sends file bytes honouring {@code Range}, unless a scripted fault says otherwise. */
  private void send(HttpExchange x, RecordedRequest req, HubFile f, Map<String, String> headers)
      throws IOException {
    boolean head = Reply.isHead(x);
    Fault fault = hub.faults().take(req, f, !head);
    if (fault instanceof Fault.Status s) {
      status(x, s, headers);
      return;
    }
    long size = f.size();
    long start = 0;
    long end = size - 1;
    int status = 200;
    headers.put("Accept-Ranges", "bytes");
    Matcher m = req.range() == null ? null : RANGE.matcher(req.range().trim());
    if (m != null && m.matches() && !(fault instanceof Fault.IgnoreRange)) {
      long[] r = range(m.group(1), m.group(2), size);
      if (r != null && (r[0] >= size || r[1] < r[0])) {
        headers.put("Content-Range", "bytes */" + size);
        Reply.error(x, 416, null, "Requested Range Not Satisfiable: " + req.range(), headers);
        return;
      }
      if (r != null) {
        start = r[0];
        end = r[1];
        status = 206;
        headers.put("Content-Range", "bytes " + start + "-" + end + "/" + size);
      }
    }
    long length = end - start + 1;
    headers.forEach((k, v) -> x.getResponseHeaders().set(k, v));
    x.getResponseHeaders().set("Content-Type", "application/octet-stream");
    if (head) {
      x.getResponseHeaders().set("Content-Length", Long.toString(length));
      x.sendResponseHeaders(status, -1);
      return;
    }
    if (fault instanceof Fault.Oversize o) {
      x.sendResponseHeaders(status, o.announce() ? length + o.extraBytes() : 0);
      OutputStream out = x.getResponseBody();
      stream(out, f, start, length, null);
      byte[] more = new byte[1 << 16];
      for (long left = o.extraBytes(); left > 0; left -= more.length) {
        out.write(more, 0, (int) Math.min(more.length, left));
      }
      out.close();
      return;
    }
    x.sendResponseHeaders(status, length == 0 ? -1 : length);
    stream(x.getResponseBody(), f, start, length, fault);
  }

  /**
   * {@code [start, end]} of {@code bytes=a-b}, {@code bytes=a-} or {@code bytes=-n}; null: ignore.
   */
  private static long[] range(String a, String b, long size) {
    if (a.isEmpty() && b.isEmpty()) {
      return null;
    }
    if (a.isEmpty()) {
      long n = Long.parseLong(b);
      return n == 0 ? new long[] {size, size} : new long[] {Math.max(0, size - n), size - 1};
    }
    long start = Long.parseLong(a);
    long end = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
    return b.isEmpty() || Long.parseLong(b) >= start ? new long[] {start, end} : null;
  }

  private static void stream(OutputStream out, HubFile f, long start, long length, Fault fault)
      throws IOException {
    long stopAt = length;
    if (fault instanceof Fault.DropAfter d) {
      stopAt = Math.min(d.bytes(), length);
    } else if (fault instanceof Fault.Truncate t) {
      stopAt = Math.max(0, length - t.missingBytes());
    }
    long corruptAt =
        fault instanceof Fault.Corrupt c ? (c.offset() < 0 ? length / 2 : c.offset()) : -1;
    Fault.Stall stall = fault instanceof Fault.Stall s ? s : null;
    boolean stalled = stall == null;
    byte[] buf = new byte[1 << 16];
    long sent = 0;
    try (InputStream in = f.open(start)) {
      while (sent < stopAt) {
        if (!stalled && sent >= stall.afterBytes()) {
          pause(out, stall);
          stalled = true;
        }
        long room = stalled ? stopAt - sent : Math.min(stopAt - sent, stall.afterBytes() - sent);
        int n = in.read(buf, 0, (int) Math.min(buf.length, room));
        if (n < 0) {
          throw new IOException(f.path() + " is shorter than its recorded size");
        }
        if (corruptAt >= sent && corruptAt < sent + n) {
          buf[(int) (corruptAt - sent)] ^= (byte) 0xff;
        }
        out.write(buf, 0, n);
        sent += n;
      }
    }
    if (!stalled) {
      pause(out, stall);
    }
    if (stopAt < length) {
      out.flush();
      throw new HangUp("fault injected: hung up after " + stopAt + " of " + length + " bytes");
    }
  }

  private static void pause(OutputStream out, Fault.Stall stall) throws IOException {
    out.flush();
    try {
      Thread.sleep(stall.pause().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new HangUp("interrupted while stalling");
    }
  }

  private static void status(HttpExchange x, Fault.Status s, Map<String, String> headers)
      throws IOException {
    if (s.retryAfter() != null) {
      headers.put("Retry-After", Long.toString(s.retryAfter().toSeconds()));
    }
    Reply.error(x, s.code(), null, "fake hub: injected status " + s.code(), headers);
  }

  private static String quoted(String etag) {
    return "\"" + etag + "\"";
  }
}
