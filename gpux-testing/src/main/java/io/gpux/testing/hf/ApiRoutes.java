package io.gpux.testing.hf;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON API under {@code /api/models}: model info (at a revision, with {@code blobs} and {@code
 * expand}), the tree, refs and commits of a repo, and the model search. Unknown sub-routes go back
 * to the handler so they are reported, not answered with a guess.
 */
final class ApiRoutes {
  private static final List<String> SORT_KEYS =
      List.of("createdAt", "downloads", "lastModified", "likes", "trendingScore");

  private final FakeHfHub hub;

  ApiRoutes(FakeHfHub hub) {
    this.hub = hub;
  }

  /** {@code GET /api/models?search=&author=&filter=&pipeline_tag=&sort=&limit=&full=&expand=}. */
  void listModels(HttpExchange x, RecordedRequest req, Query q) throws IOException {
    if (!expandIsKnown(x, q)) {
      return;
    }
    String sort = q.first("sort");
    if (sort != null && !SORT_KEYS.contains(sort)) {
      Reply.error(x, 400, null, "\"sort\" must be one of " + SORT_KEYS);
      return;
    }
    String search = q.first("search");
    String author = q.first("author");
    String pipeline = q.first("pipeline_tag");
    String gated = q.first("gated");
    List<Map<String, Object>> infos = new ArrayList<>();
    for (FakeRepo repo : hub.repos()) {
      if (!repo.exists() || !repo.visibleTo(req.token())) {
        continue;
      }
      FakeRepo.Card card = repo.card();
      if ((search != null
              && !repo.id().toLowerCase(Locale.ROOT).contains(search.toLowerCase(Locale.ROOT)))
          || (author != null && !repo.id().startsWith(author + "/"))
          || (pipeline != null && !pipeline.equals(card.pipelineTag()))
          || (gated != null && Boolean.parseBoolean(gated) != (card.gated() != null))
          || !card.tags().containsAll(q.all("filter"))) {
        continue;
      }
      infos.add(ModelJson.info(repo, repo.resolve(FakeRepo.DEFAULT_BRANCH), false));
    }
    Comparator<Map<String, Object>> order = Comparator.comparing(m -> (String) m.get("id"));
    if (sort != null) {
      Comparator<Map<String, Object>> byKey =
          Comparator.comparing(m -> String.valueOf(m.get(sort)), ApiRoutes::compareValues);
      boolean ascending = "1".equals(q.first("direction"));
      order = (ascending ? byKey : byKey.reversed()).thenComparing(order);
    }
    infos.sort(order);
    List<Object> items = new ArrayList<>();
    infos.forEach(info -> items.add(ModelJson.listItem(info, q)));
    // As on the Hub, limit is the page size; the client stops reading once it has limit items.
    int limit = q.first("limit") == null ? Integer.MAX_VALUE : Integer.parseInt(q.first("limit"));
    Page.send(x, hub.url(), items, q, Math.min(hub.pageSize(), limit));
  }

  /** Everything under {@code /api/models/{org}/{name}}; {@code rest} is the raw remainder. */
  void repo(HttpExchange x, RecordedRequest req, String rest, Query q) throws IOException {
    String[] seg = rest.split("/", -1);
    if (seg.length < 2) {
      hub.unknownRoute(x, req);
      return;
    }
    String kind = seg.length > 2 ? seg[2] : "";
    if (!List.of("", "revision", "tree", "refs", "commits").contains(kind)
        || (kind.equals("refs") && seg.length > 3)) {
      hub.unknownRoute(x, req);
      return;
    }
    FakeRepo repo =
        RepoAccess.visible(x, hub, Query.decodePath(seg[0]) + "/" + Query.decodePath(seg[1]), req);
    if (repo == null) {
      return;
    }
    switch (kind) {
      case "", "revision" ->
          info(x, repo, kind.isEmpty() ? FakeRepo.DEFAULT_BRANCH : joined(seg, 3), q);
      case "tree" -> tree(x, repo, seg, q);
      case "refs" -> refs(x, repo, q);
      default -> commits(x, repo, joined(seg, 3), q);
    }
  }

  private void info(HttpExchange x, FakeRepo repo, String rev, Query q) throws IOException {
    if (!expandIsKnown(x, q)) {
      return;
    }
    String sha = RepoAccess.commit(x, repo, rev, Map.of());
    if (sha == null) {
      return;
    }
    Map<String, Object> info = hub.editInfo(ModelJson.info(repo, sha, q.flag("blobs")));
    if (q.flag("securityStatus")) {
      info.put("securityRepoStatus", Map.of("scansDone", true, "filesWithIssues", List.of()));
    }
    Reply.json(
        x, 200, q.has("expand") ? ModelJson.expanded(info, q.all("expand")) : info, Map.of());
  }

  /**
   * {@code tree/{rev}[/{path}]}: the client sends rev and path each as one {@code %2F}-encoded
   * segment; a client that leaves slashes in a {@code refs/...} revision is understood too.
   */
  private void tree(HttpExchange x, FakeRepo repo, String[] seg, Query q) throws IOException {
    if (seg.length < 4) {
      Reply.error(x, 404, "RevisionNotFound", "Invalid rev id: ");
      return;
    }
    String rev = Query.decodePath(seg[3]);
    int pathFrom = 4;
    if (repo.resolve(rev) == null && rev.equals("refs") && seg.length >= 6) {
      rev = Query.decodePath(seg[3] + "/" + seg[4] + "/" + seg[5]);
      pathFrom = 6;
    }
    String sha = RepoAccess.commit(x, repo, rev, Map.of());
    if (sha == null) {
      return;
    }
    String path = joined(seg, pathFrom);
    path = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    List<Object> items =
        TreeListing.of(repo, repo.commitAt(sha), path, q.flag("recursive"), q.flag("expand"));
    if (items == null) {
      Reply.error(x, 404, "EntryNotFound", path + " does not exist on \"" + rev + "\"");
      return;
    }
    Page.send(x, hub.url(), items, q, hub.pageSize());
  }

  private void refs(HttpExchange x, FakeRepo repo, Query q) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("branches", refList(repo.branchHeads(), "refs/heads/"));
    m.put("converts", List.of());
    m.put("tags", refList(repo.tagTargets(), "refs/tags/"));
    if (q.flag("include_prs")) {
      Map<String, String> prs = new LinkedHashMap<>();
      List<String> heads = repo.pullRequestHeads();
      for (int i = 0; i < heads.size(); i++) {
        prs.put("refs/pr/" + (i + 1), heads.get(i));
      }
      m.put("pullRequests", refList(prs, ""));
    }
    Reply.json(x, 200, m, Map.of());
  }

  /** {@code commits/{rev}}: newest first, paginated; {@code expand[]=formatted} adds HTML. */
  private void commits(HttpExchange x, FakeRepo repo, String rev, Query q) throws IOException {
    String sha = RepoAccess.commit(x, repo, rev, Map.of());
    if (sha == null) {
      return;
    }
    boolean formatted = q.all("expand[]").contains("formatted");
    List<Object> items = new ArrayList<>();
    for (Commit c = repo.commitAt(sha);
        c != null;
        c = c.parent() == null ? null : repo.commitAt(c.parent())) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", c.sha());
      m.put("title", c.title());
      m.put("message", c.body());
      m.put("date", ModelJson.date(c.date()));
      m.put("authors", List.of(Map.of("user", c.author())));
      if (formatted) {
        m.put("formatted", Map.of("title", html(c.title()), "message", html(c.body())));
      }
      items.add(m);
    }
    Page.send(x, hub.url(), items, q, hub.pageSize());
  }

  /** {@code GET /api/whoami-v2}: who the bearer token belongs to. */
  void whoami(HttpExchange x, RecordedRequest req) throws IOException {
    String name = hub.userOf(req.token());
    if (name == null) {
      Reply.error(x, 401, null, "Invalid credentials in Authorization header");
      return;
    }
    Map<String, Object> token = new LinkedHashMap<>();
    token.put("displayName", "gpux-test");
    token.put("role", "read");
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "user");
    m.put("id", name);
    m.put("name", name);
    m.put("fullname", name);
    m.put("isPro", false);
    m.put("orgs", List.of());
    m.put("auth", Map.of("type", "access_token", "accessToken", token));
    Reply.json(x, 200, m, Map.of());
  }

  private static boolean expandIsKnown(HttpExchange x, Query q) throws IOException {
    for (String e : q.all("expand")) {
      if (!ModelJson.EXPANDABLE.contains(e)) {
        Reply.error(
            x, 400, null, "\"expand\" must be one of " + ModelJson.EXPANDABLE + ", got " + e);
        return false;
      }
    }
    return true;
  }

  private static List<Object> refList(Map<String, String> refs, String prefix) {
    List<Object> out = new ArrayList<>();
    refs.forEach(
        (name, sha) -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("name", name);
          m.put("ref", prefix + name);
          m.put("targetCommit", sha);
          out.add(m);
        });
    return out;
  }

  private static String joined(String[] seg, int from) {
    return from >= seg.length
        ? ""
        : Query.decodePath(String.join("/", java.util.Arrays.copyOfRange(seg, from, seg.length)));
  }

  private static String html(String text) {
    return "<p>" + text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") + "</p>";
  }

  /** Numbers compare as numbers, the rest (ISO dates) as text. */
  private static int compareValues(String a, String b) {
    try {
      return Double.compare(Double.parseDouble(a), Double.parseDouble(b));
    } catch (NumberFormatException e) {
      return a.compareTo(b);
    }
  }
}
