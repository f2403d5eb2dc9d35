package io.gpux.testing.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fixture semantics: commits, branches, tags, pull requests, LFS, and their identities. */
class FakeRepoTest {
  @TempDir Path dir;

  @Test
  void sameFixtureGivesTheSameFortyHexCommitShas() {
    try (FakeHfHub a = FakeHfHub.start();
        FakeHfHub b = FakeHfHub.start()) {
      String shaA = a.repo("acme/m").file("x", "1").commit("c");
      String shaB = b.repo("acme/m").file("x", "1").commit("c");
      assertTrue(shaA.matches("[0-9a-f]{40}"), shaA);
      assertEquals(shaA, shaB);
      assertNotEquals(shaA, a.repo("acme/m").file("x", "2").commit("c"));
    }
  }

  @Test
  void everyRevisionKeepsItsOwnFileSet() {
    try (FakeHfHub hub = FakeHfHub.start()) {
      FakeRepo repo = hub.repo("acme/m").file("a", "1").file("b", "1");
      String first = repo.commit("one");
      repo.tag("v1");
      String second = repo.file("a", "2").delete("b").commit("two");
      assertEquals(List.of("a", "b"), List.copyOf(repo.files("v1").keySet()));
      assertEquals(List.of("a"), List.copyOf(repo.files("main").keySet()));
      assertEquals(first, repo.resolve("refs/tags/v1"));
      assertEquals(second, repo.resolve("refs/heads/main"));
      assertEquals(first, repo.resolve(first));
      assertNull(repo.resolve("0".repeat(40)));
      assertTrue(repo.files("nope").isEmpty());
    }
  }

  @Test
  void branchStartsAtTheCurrentHeadAndMovesAlone() {
    try (FakeHfHub hub = FakeHfHub.start()) {
      FakeRepo repo = hub.repo("acme/m");
      String base = repo.file("a", "1").commit("base");
      String dev = repo.branch("dev").file("a", "dev").commit("on dev");
      assertEquals(base, repo.resolve("main"));
      assertEquals(dev, repo.resolve("dev"));
      repo.branch("main").file("c", "x");
      assertThrows(IllegalStateException.class, () -> repo.branch("dev"), "staged files first");
    }
  }

  @Test
  void pullRequestsAreNumberedRefsThatLeaveTheBranchAlone() {
    try (FakeHfHub hub = FakeHfHub.start()) {
      FakeRepo repo = hub.repo("acme/m");
      String main = repo.file("a", "1").commit("base");
      String pr1 = repo.file("a", "pr").pullRequest("one");
      String pr2 = repo.file("b", "pr").pullRequest("two");
      assertEquals(main, repo.resolve("main"));
      assertEquals(pr1, repo.resolve("refs/pr/1"));
      assertEquals(pr2, repo.resolve("refs/pr/2"));
      assertEquals(
          repo.files("main").get("a").blobId(),
          repo.files("refs/pr/2").get("a").blobId(),
          "each pull request starts from the branch, not from the previous pull request");
      assertNull(repo.resolve("refs/pr/3"));
    }
  }

  @Test
  void filesFromTheThresholdUpAreLfs() {
    try (FakeHfHub hub = FakeHfHub.start().lfsThreshold(10)) {
      FakeRepo repo = hub.repo("acme/m").file("small", "123456789").file("big", "1234567890");
      repo.lfsFile("declared", new byte[] {1}).commit("c");
      assertFalse(repo.files("main").get("small").lfs());
      assertTrue(repo.files("main").get("big").lfs());
      assertTrue(repo.files("main").get("declared").lfs());
    }
  }

  @Test
  void lfsFilesAreKnownByThePointerGitStores() throws Exception {
    try (FakeHfHub hub = FakeHfHub.start()) {
      byte[] content = "weights".getBytes(StandardCharsets.UTF_8);
      hub.repo("acme/m").lfsFile("w.bin", content).file("r.txt", content).commit("c");
      HubFile lfs = hub.repo("acme/m").files("main").get("w.bin");
      HubFile regular = hub.repo("acme/m").files("main").get("r.txt");
      String sha = HuggingFaceHubClientFidelityTest.sha256(content);
      String pointer =
          "version https://git-lfs.github.com/spec/v1\noid sha256:" + sha + "\nsize 7\n";
      assertEquals(sha, lfs.sha256());
      assertEquals(pointer.length(), lfs.pointerSize());
      assertEquals(
          HuggingFaceHubClientFidelityTest.gitBlob(pointer.getBytes(StandardCharsets.UTF_8)),
          lfs.blobId());
      assertEquals(HuggingFaceHubClientFidelityTest.gitBlob(content), regular.blobId());
      assertEquals(0, regular.pointerSize());
    }
  }

  @Test
  void filesOnDiskAreStreamedWithTheirDigests() throws Exception {
    Path f = Files.write(dir.resolve("w.bin"), FakeHfHubDownloadTest.bytes(70_000));
    try (FakeHfHub hub = FakeHfHub.start().lfsThreshold(50_000)) {
      hub.repo("acme/m").file("w.bin", f).commit("c");
      HubFile file = hub.repo("acme/m").files("main").get("w.bin");
      assertTrue(file.lfs());
      assertEquals(70_000, file.size());
      assertEquals(HuggingFaceHubClientFidelityTest.sha256(Files.readAllBytes(f)), file.sha256());
      byte[] served = Http.get(hub.cdnUrl(file.sha256()), "Range", "bytes=65536-").body();
      assertEquals(70_000 - 65_536, served.length);
    }
  }

  @Test
  void aRepoWithoutCommitsDoesNotExistForClients() throws Exception {
    try (FakeHfHub hub = FakeHfHub.start()) {
      hub.repo("acme/empty").file("staged", "only");
      assertEquals(404, Http.get(hub.url() + "/api/models/acme/empty").statusCode());
    }
  }

  @Test
  void misuseFailsFastNamingTheRule() {
    try (FakeHfHub hub = FakeHfHub.start()) {
      assertThrows(IllegalArgumentException.class, () -> hub.repo("no-slash"));
      assertThrows(IllegalArgumentException.class, () -> hub.repo("a/b/c"));
      FakeRepo repo = hub.repo("acme/m");
      assertThrows(IllegalArgumentException.class, () -> repo.file("/abs", "x"));
      assertThrows(IllegalArgumentException.class, () -> repo.tag("v1", "nope"));
      assertThrows(IllegalArgumentException.class, () -> repo.delete("never-added"));
      assertThrows(IllegalArgumentException.class, () -> hub.pageSize(0));
    }
  }
}
