package io.gpux.testing.hf;

import static io.gpux.testing.hf.JsonValues.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JSON API: model info, search, tree, refs, commits, whoami, and their errors. */
class FakeHfHubApiTest {
  private static final Pattern NEXT = Pattern.compile("<([^>]+)>; rel=\"next\"");

  private FakeHfHub hub;
  private String first;
  private String head;

  @BeforeEach
  void start() {
    hub = FakeHfHub.start();
    FakeRepo repo =
        hub.repo("acme/bert")
            .file("config.json", "{\"a\": 1}")
            .lfsFile("onnx/model.onnx", new byte[] {1, 2, 3})
            .file("onnx/extra/notes.txt", "n")
            .pipelineTag("feature-extraction")
            .libraryName("onnx")
            .tags("onnx", "license:mit")
            .downloads(10)
            .likes(3)
            .config("{\"model_type\": \"bert\"}")
            .cardData("{\"license\": \"mit\"}")
            .createdAt(Instant.parse("2024-05-01T12:00:00Z"));
    first = repo.commit("initial");
    repo.tag("v1");
    head = repo.file("README.md", "# bert\n").commit("docs\n\nlonger text");
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  @Test
  void modelInfoDescribesTheDefaultBranchWithCardMetadataAndHubDates() throws Exception {
    Map<String, Object> info = json("/api/models/acme/bert");
    assertEquals("acme/bert", info.get("id"));
    assertEquals("acme/bert", info.get("modelId"));
    assertEquals("acme", info.get("author"));
    assertEquals(head, info.get("sha"));
    assertEquals(24, ((String) info.get("_id")).length());
    assertEquals("2024-05-01T12:00:00.000Z", info.get("createdAt"));
    assertEquals("2024-05-01T14:00:00.000Z", info.get("lastModified"));
    assertEquals(false, info.get("private"));
    assertEquals(false, info.get("gated"));
    assertEquals(10L, info.get("downloads"));
    assertEquals(3L, info.get("likes"));
    assertEquals("onnx", info.get("library_name"));
    assertEquals("feature-extraction", info.get("pipeline_tag"));
    assertEquals(List.of("onnx", "license:mit"), info.get("tags"));
    assertEquals("bert", at(info, "config", "model_type"));
    assertEquals("mit", at(info, "cardData", "license"));
    assertEquals(
        List.of(
            Map.of("rfilename", "README.md"),
            Map.of("rfilename", "config.json"),
            Map.of("rfilename", "onnx/extra/notes.txt"),
            Map.of("rfilename", "onnx/model.onnx")),
        info.get("siblings"));
  }

  @Test
  void modelInfoWithBlobsGivesSizesBlobIdsAndLfsDigests() throws Exception {
    Map<String, Object> info = json("/api/models/acme/bert/revision/v1?blobs=True");
    assertEquals(first, info.get("sha"));
    HubFile model = hub.repo("acme/bert").files("v1").get("onnx/model.onnx");
    Map<String, Object> sibling = sibling(info, "onnx/model.onnx");
    assertEquals(3L, sibling.get("size"));
    assertEquals(model.blobId(), sibling.get("blobId"));
    assertEquals(
        Map.of("size", 3L, "sha256", model.sha256(), "pointerSize", (long) model.pointerSize()),
        sibling.get("lfs"));
    Map<String, Object> config = sibling(info, "config.json");
    assertEquals(8L, config.get("size"));
    assertNull(config.get("lfs"));
    assertFalse(
        ((List<?>) info.get("siblings"))
            .stream().anyMatch(s -> "README.md".equals(at(s, "rfilename"))),
        "v1 predates the README");
  }

  @Test
  void modelInfoRevisionMayBeAnEncodedPullRequestRefOrASha() throws Exception {
    String pr = hub.repo("acme/bert").file("x.txt", "x").pullRequest("pr");
    assertEquals(pr, json("/api/models/acme/bert/revision/refs%2Fpr%2F1").get("sha"));
    assertEquals(first, json("/api/models/acme/bert/revision/" + first).get("sha"));
    assertEquals(first, json("/api/models/acme/bert/revision/refs%2Ftags%2Fv1").get("sha"));
  }

  @Test
  void expandReturnsOnlyTheAskedPropertiesAndRejectsUnknownOnes() throws Exception {
    Map<String, Object> info = json("/api/models/acme/bert?expand=downloads&expand=sha");
    assertEquals(List.of("_id", "id", "downloads", "sha"), new ArrayList<>(info.keySet()));
    HttpResponse<byte[]> bad = get("/api/models/acme/bert?expand=colour");
    assertEquals(400, bad.statusCode());
    assertTrue(Http.text(bad).contains("\"error\""));
  }

  @Test
  void unknownRepoAndRevisionAreTypedNotFoundErrors() throws Exception {
    assertError(get("/api/models/acme/nope"), 404, "RepoNotFound");
    assertError(get("/api/models/acme/bert/revision/nope"), 404, "RevisionNotFound");
    assertError(get("/api/models/acme/bert/tree/nope"), 404, "RevisionNotFound");
    assertError(get("/api/models/acme/bert/commits/nope"), 404, "RevisionNotFound");
  }

  @Test
  void privateRepoDoesNotExistWithoutItsToken() throws Exception {
    hub.repo("acme/secret").file("a", "b").privateRepo("hf_s").commit("c");
    assertError(get("/api/models/acme/secret"), 404, "RepoNotFound");
    assertError(
        get("/api/models/acme/secret", "Authorization", "Bearer hf_x"), 404, "RepoNotFound");
    assertEquals(200, get("/api/models/acme/secret", "Authorization", "Bearer hf_s").statusCode());
    assertEquals(
        true, json("/api/models/acme/secret", "Authorization", "Bearer hf_s").get("private"));
    assertFalse(ids(Http.text(get("/api/models"))).contains("acme/secret"));
    assertTrue(
        ids(Http.text(get("/api/models", "Authorization", "Bearer hf_s"))).contains("acme/secret"));
  }

  @Test
  void gatedRepoMetadataStaysPublic() throws Exception {
    hub.repo("acme/gated").file("a", "b").gated().commit("c");
    assertEquals("manual", json("/api/models/acme/gated").get("gated"));
    assertEquals(200, get("/api/models/acme/gated/tree/main").statusCode());
  }

  @Test
  void listModelsFiltersBySearchAuthorTagPipelineAndGated() throws Exception {
    hub.repo("other/bert-large").file("a", "b").tags("pytorch").commit("c");
    hub.repo("acme/gated").file("a", "b").gated().commit("c");
    assertEquals(
        List.of("acme/bert", "other/bert-large"), ids(Http.text(get("/api/models?search=BERT"))));
    assertEquals(
        List.of("acme/bert", "acme/gated"), ids(Http.text(get("/api/models?author=acme"))));
    assertEquals(
        List.of("acme/bert"), ids(Http.text(get("/api/models?filter=onnx&filter=license:mit"))));
    assertEquals(List.of(), ids(Http.text(get("/api/models?filter=onnx&filter=pytorch"))));
    assertEquals(
        List.of("acme/bert"), ids(Http.text(get("/api/models?pipeline_tag=feature-extraction"))));
    assertEquals(List.of("acme/gated"), ids(Http.text(get("/api/models?gated=true"))));
  }

  @Test
  void listModelsSortsDescendingAndKeepsListItemsShort() throws Exception {
    hub.repo("acme/popular").file("a", "b").downloads(99).commit("c");
    assertEquals(
        List.of("acme/popular", "acme/bert"), ids(Http.text(get("/api/models?sort=downloads"))));
    assertEquals(400, get("/api/models?sort=colour").statusCode());
    Map<String, Object> item =
        (Map<String, Object>) JsonValues.array(Http.text(get("/api/models"))).get(0);
    assertFalse(item.containsKey("siblings"), "siblings only with full");
    assertTrue(item.containsKey("createdAt"));
    Object full = JsonValues.array(Http.text(get("/api/models?full=True&config=True"))).get(0);
    assertEquals(
        List.of(Map.of("rfilename", "README.md")), ((List<?>) at(full, "siblings")).subList(0, 1));
    assertEquals("bert", at(full, "config", "model_type"));
    Object expanded = JsonValues.array(Http.text(get("/api/models?expand=likes"))).get(0);
    assertEquals(List.of("_id", "id", "likes"), new ArrayList<>(((Map<?, ?>) expanded).keySet()));
  }

  @Test
  void listModelsPaginatesWithAbsoluteNextLinksOnTheHubsOwnUrl() throws Exception {
    hub.pageSize(2);
    for (int i = 0; i < 4; i++) {
      hub.repo("acme/m" + i).file("a", "b").commit("c");
    }
    List<String> all = new ArrayList<>();
    String url = hub.url() + "/api/models?author=acme&limit=100";
    int pages = 0;
    while (url != null) {
      HttpResponse<byte[]> r = Http.get(url);
      all.addAll(ids(Http.text(r)));
      pages++;
      String link = r.headers().firstValue("Link").orElse(null);
      if (link != null) {
        Matcher m = NEXT.matcher(link);
        assertTrue(m.matches(), link);
        assertTrue(m.group(1).startsWith(hub.url() + "/api/models?"), link);
        assertTrue(
            m.group(1).contains("author=acme"), "the next link keeps the parameters: " + link);
      }
      url = link == null ? null : NEXT.matcher(link).replaceAll("$1");
    }
    assertEquals(List.of("acme/bert", "acme/m0", "acme/m1", "acme/m2", "acme/m3"), all);
    assertEquals(3, pages);
    HttpResponse<byte[]> limited = get("/api/models?author=acme&limit=1");
    assertEquals(1, ids(Http.text(limited)).size(), "limit is the page size, as on the Hub");
  }

  @Test
  void treeListsOneLevelOrEverythingWithLfsOidsAndFolders() throws Exception {
    List<Object> top = JsonValues.array(Http.text(get("/api/models/acme/bert/tree/main")));
    assertEquals(List.of("README.md", "config.json", "onnx"), paths(top));
    assertEquals("directory", at(top, 2, "type"));
    List<Object> all =
        JsonValues.array(Http.text(get("/api/models/acme/bert/tree/main?recursive=true")));
    assertEquals(
        List.of(
            "README.md",
            "config.json",
            "onnx",
            "onnx/extra",
            "onnx/extra/notes.txt",
            "onnx/model.onnx"),
        paths(all));
    HubFile model = hub.repo("acme/bert").files("main").get("onnx/model.onnx");
    Object item = all.get(5);
    assertEquals("file", at(item, "type"));
    assertEquals(model.blobId(), at(item, "oid"));
    assertEquals(3L, at(item, "size"));
    assertEquals(
        Map.of("oid", model.sha256(), "size", 3L, "pointerSize", (long) model.pointerSize()),
        at(item, "lfs"));
  }

  @Test
  void treePathMayArrivePercentEncoded() throws Exception {
    List<Object> sub =
        JsonValues.array(Http.text(get("/api/models/acme/bert/tree/main/onnx%2Fextra")));
    assertEquals(List.of("onnx/extra/notes.txt"), paths(sub));
    assertEquals(
        paths(sub),
        paths(JsonValues.array(Http.text(get("/api/models/acme/bert/tree/main/onnx/extra")))));
    assertEquals(2, JsonValues.array(Http.text(get("/api/models/acme/bert/tree/v1/onnx"))).size());
    assertError(get("/api/models/acme/bert/tree/main/nothing%2Fhere"), 404, "EntryNotFound");
  }

  @Test
  void treeExpandAddsTheLastCommitThatTouchedEachPath() throws Exception {
    List<Object> items =
        JsonValues.array(Http.text(get("/api/models/acme/bert/tree/main?expand=true")));
    assertEquals(head, at(items, 0, "lastCommit", "id"), "README.md came with the second commit");
    assertEquals("docs", at(items, 0, "lastCommit", "title"));
    assertEquals(
        first, at(items, 1, "lastCommit", "id"), "config.json is unchanged since the first");
    assertEquals(first, at(items, 2, "lastCommit", "id"));
    assertEquals("safe", at(items, 1, "securityFileStatus", "status"));
  }

  @Test
  void treePagesFollowTheSamePageSize() throws Exception {
    hub.pageSize(4);
    HttpResponse<byte[]> r = get("/api/models/acme/bert/tree/main?recursive=true&expand=false");
    assertEquals(4, JsonValues.array(Http.text(r)).size());
    String link = r.headers().firstValue("Link").orElseThrow();
    String next = NEXT.matcher(link).replaceAll("$1");
    assertTrue(next.contains("recursive=true"), next);
    assertEquals(2, JsonValues.array(Http.text(Http.get(next))).size());
  }

  @Test
  void refsListBranchesTagsConvertsAndPullRequestsOnRequest() throws Exception {
    String pr = hub.repo("acme/bert").file("x", "x").pullRequest("pr");
    hub.repo("acme/bert").branch("dev");
    Map<String, Object> refs = json("/api/models/acme/bert/refs");
    assertEquals(
        List.of(
            Map.of("name", "main", "ref", "refs/heads/main", "targetCommit", head),
            Map.of("name", "dev", "ref", "refs/heads/dev", "targetCommit", head)),
        refs.get("branches"));
    assertEquals(
        List.of(Map.of("name", "v1", "ref", "refs/tags/v1", "targetCommit", first)),
        refs.get("tags"));
    assertEquals(List.of(), refs.get("converts"));
    assertFalse(refs.containsKey("pullRequests"));
    Map<String, Object> withPrs = json("/api/models/acme/bert/refs?include_prs=1");
    assertEquals(
        List.of(Map.of("name", "refs/pr/1", "ref", "refs/pr/1", "targetCommit", pr)),
        withPrs.get("pullRequests"));
  }

  @Test
  void commitsListNewestFirstWithTitlesAuthorsAndFormattedOnRequest() throws Exception {
    List<Object> commits = JsonValues.array(Http.text(get("/api/models/acme/bert/commits/main")));
    assertEquals(2, commits.size());
    assertEquals(head, at(commits, 0, "id"));
    assertEquals("docs", at(commits, 0, "title"));
    assertEquals("longer text", at(commits, 0, "message"));
    assertEquals("2024-05-01T14:00:00.000Z", at(commits, 0, "date"));
    assertEquals(List.of(Map.of("user", "gpux-test")), at(commits, 0, "authors"));
    assertEquals(first, at(commits, 1, "id"));
    List<Object> formatted =
        JsonValues.array(Http.text(get("/api/models/acme/bert/commits/v1?expand%5B%5D=formatted")));
    assertEquals("<p>initial</p>", at(formatted, 0, "formatted", "title"));
  }

  @Test
  void whoamiNamesTheTokensOwnerAndRejectsOthers() throws Exception {
    hub.user("hf_a", "alice");
    hub.repo("acme/secret").file("a", "b").privateRepo("hf_s").commit("c");
    assertEquals("alice", json("/api/whoami-v2", "Authorization", "Bearer hf_a").get("name"));
    assertEquals("gpux-test", json("/api/whoami-v2", "Authorization", "Bearer hf_s").get("name"));
    HttpResponse<byte[]> anonymous = get("/api/whoami-v2");
    assertEquals(401, anonymous.statusCode());
    assertEquals(
        "Invalid credentials in Authorization header",
        anonymous.headers().firstValue("X-Error-Message").orElseThrow());
  }

  @Test
  void requireTokenClosesEveryRouteToOtherCallers() throws Exception {
    hub.requireToken("hf_team");
    assertEquals(401, get("/api/models/acme/bert").statusCode());
    assertEquals(401, get("/api/models", "Authorization", "Bearer hf_other").statusCode());
    assertEquals(200, get("/api/models/acme/bert", "Authorization", "Bearer hf_team").statusCode());
    assertEquals(
        "gpux-test", json("/api/whoami-v2", "Authorization", "Bearer hf_team").get("name"));
  }

  @Test
  void unknownRoutesAnswer404WithAClearMessageAndAreReported() throws Exception {
    HttpResponse<byte[]> r = get("/api/models/acme/bert/paths-info/nope");
    assertEquals(404, r.statusCode());
    assertEquals(
        "fake hub: unknown route GET /api/models/acme/bert/paths-info/nope",
        r.headers().firstValue("X-Error-Message").orElseThrow());
    assertTrue(r.headers().firstValue("X-Error-Code").isEmpty(), "no typed error to hide behind");
    assertEquals(1, hub.unknownRoutes().size());
    assertEquals(404, Http.send("POST", hub.url() + "/api/models/nope").statusCode());
    assertEquals(2, hub.unknownRoutes().size());
  }

  private HttpResponse<byte[]> get(String path, String... headers) throws Exception {
    return Http.get(hub.url() + path, headers);
  }

  private Map<String, Object> json(String path, String... headers) throws Exception {
    HttpResponse<byte[]> r = get(path, headers);
    assertEquals(200, r.statusCode(), Http.text(r));
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    return JsonValues.object(Http.text(r));
  }

  private static void assertError(HttpResponse<byte[]> r, int status, String code) {
    assertEquals(status, r.statusCode(), Http.text(r));
    assertEquals(code, r.headers().firstValue("X-Error-Code").orElse(null));
    String message = r.headers().firstValue("X-Error-Message").orElseThrow();
    assertEquals(message, JsonValues.object(Http.text(r)).get("error"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> sibling(Map<String, Object> info, String path) {
    return (Map<String, Object>)
        ((List<?>) info.get("siblings"))
            .stream().filter(s -> path.equals(at(s, "rfilename"))).findFirst().orElseThrow();
  }

  private static List<String> ids(String json) {
    List<String> out = new ArrayList<>();
    JsonValues.array(json).forEach(m -> out.add((String) at(m, "id")));
    return out;
  }

  private static List<String> paths(List<Object> items) {
    List<String> out = new ArrayList<>();
    items.forEach(m -> out.add((String) at(m, "path")));
    return out;
  }
}
