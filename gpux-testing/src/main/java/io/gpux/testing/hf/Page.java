package io.gpux.testing.hf;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * GitHub-style pagination as the Hub does it: one page of items, and while more remain a {@code
 * Link: <absolute url>; rel="next"} header. The client requests that URL exactly as given, so it is
 * built on the hub's own base URL and carries every original parameter plus the cursor.
 */
final class Page {
  private Page() {}

  static void send(HttpExchange x, String baseUrl, List<?> items, Query q, int pageSize)
      throws IOException {
    int from;
    try {
      from = q.first("cursor") == null ? 0 : Integer.parseInt(q.first("cursor"));
    } catch (NumberFormatException e) {
      Reply.error(x, 400, null, "invalid cursor: " + q.first("cursor"));
      return;
    }
    from = Math.max(0, Math.min(from, items.size()));
    int to = Math.min(items.size(), from + pageSize);
    Map<String, String> headers = Reply.headers();
    if (to < items.size()) {
      String rest = q.rawWithout("cursor");
      String next =
          baseUrl
              + x.getRequestURI().getRawPath()
              + "?"
              + (rest.isEmpty() ? "" : rest + "&")
              + "cursor="
              + to;
      headers.put("Link", "<" + next + ">; rel=\"next\"");
    }
    Reply.json(x, 200, items.subList(from, to), headers);
  }
}
