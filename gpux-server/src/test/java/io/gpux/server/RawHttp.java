package io.gpux.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A client that writes exactly the bytes it is given, as a hostile or broken client would, and
 * reads one HTTP/1.1 response at a time from the same connection.
 */
final class RawHttp implements AutoCloseable {
  final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  record Reply(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  RawHttp(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(60_000); // a bound on a broken test, not an assertion on time
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  RawHttp send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  RawHttp send(String text) throws IOException {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** A request with a body and a correct Content-Length, plus any extra header lines. */
  static byte[] request(String method, String path, byte[] body, String... headers) {
    StringBuilder sb = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (String h : headers) {
      sb.append(h).append("\r\n");
    }
    sb.append("Content-Length: ").append(body.length).append("\r\n\r\n");
    byte[] head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = new byte[head.length + body.length];
    System.arraycopy(head, 0, all, 0, head.length);
    System.arraycopy(body, 0, all, head.length, body.length);
    return all;
  }

  static byte[] request(String method, String path, String body, String... headers) {
    return request(method, path, body.getBytes(StandardCharsets.UTF_8), headers);
  }

  /** One call on a new connection. */
  static Reply call(int port, byte[] request) throws IOException {
    try (RawHttp c = new RawHttp(port)) {
      return c.send(request).read();
    }
  }

  Reply read() throws IOException {
    return read(false);
  }

  /** One response; after a HEAD request the Content-Length describes a body that is not sent. */
  Reply read(boolean head) throws IOException {
    String status = line();
    if (status == null) {
      throw new IOException("the server closed the connection without an answer");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (String l = line(); l != null && !l.isEmpty(); l = line()) {
      int colon = l.indexOf(':');
      headers.put(
          l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
    }
    int length = head ? 0 : Integer.parseInt(headers.getOrDefault("content-length", "0"));
    byte[] body = in.readNBytes(length);
    return new Reply(
        Integer.parseInt(status.split(" ")[1]), headers, new String(body, StandardCharsets.UTF_8));
  }

  /** Whether the server closed the connection (end of stream) rather than answering. */
  boolean closedByServer() throws IOException {
    try {
      return in.read() < 0;
    } catch (java.net.SocketException e) {
      return true;
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int c = in.read(); c >= 0; c = in.read()) {
      if (c == '\n') {
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      b.write(c);
    }
    return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
