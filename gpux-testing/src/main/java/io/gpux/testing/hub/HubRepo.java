package io.gpux.testing.hub;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A model repository on the {@link FakeHfHub}: commits of files, branches and tags, and the
 * model-card fields the Hub's API reports. Build it with the fluent methods, then {@link #commit}.
 */
public final class HubRepo {
  final String id;
  final Map<String, HubFile> staged = new LinkedHashMap<>();
  final Map<String, Map<String, HubFile>> commits = new ConcurrentHashMap<>();
  final Map<String, String> branches = new ConcurrentHashMap<>();
  final Map<String, String> tags = new ConcurrentHashMap<>();
  String pipelineTag;
  String libraryName = "onnx";
  List<String> cardTags = List.of("onnx");
  long downloads = 42;
  boolean gated;
  String privateToken;
  private String head;

  HubRepo(String id) {
    this.id = id;
  }

  /** A regular (git) file: verified by its git blob sha1. */
  public HubRepo file(String path, byte[] content) {
    staged.put(path, HubFile.inMemory(path, content, false));
    return this;
  }

  public HubRepo file(String path, String content) {
    return file(path, content.getBytes(StandardCharsets.UTF_8));
  }

  /** A Git LFS file: served through a redirect to the CDN, verified by its sha256. */
  public HubRepo lfsFile(String path, byte[] content) {
    staged.put(path, HubFile.inMemory(path, content, true));
    return this;
  }

  /** A file served from disk (the standalone server: models too big for the heap). */
  HubRepo diskFile(String path, java.nio.file.Path source, boolean lfs) {
    staged.put(path, HubFile.onDisk(path, source, lfs));
    return this;
  }

  public HubRepo delete(String path) {
    staged.remove(path);
    return this;
  }

  public HubRepo pipelineTag(String tag) {
    this.pipelineTag = tag;
    return this;
  }

  public HubRepo cardTags(String... tags) {
    this.cardTags = List.of(tags);
    return this;
  }

  /** Anonymous callers get 401, callers with any token get 403 (the Hub's gated behaviour). */
  public HubRepo gated() {
    this.gated = true;
    return this;
  }

  /** Without this Bearer token the repository does not exist (404 RepoNotFound). */
  public HubRepo privateRepo(String token) {
    this.privateToken = token;
    return this;
  }

  /** Commits the staged files on {@code main}; returns the commit sha. */
  public String commit(String message) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-1");
      d.update((id + "\n" + message + "\n" + head).getBytes(StandardCharsets.UTF_8));
      for (HubFile f : staged.values()) {
        d.update((f.path() + f.sha256()).getBytes(StandardCharsets.UTF_8));
      }
      String sha = HexFormat.of().formatHex(d.digest());
      commits.put(sha, new LinkedHashMap<>(staged));
      branches.put("main", sha);
      head = sha;
      return sha;
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public HubRepo tag(String name) {
    tags.put(name, head);
    return this;
  }

  public HubRepo branch(String name) {
    branches.put(name, head);
    return this;
  }

  public String head() {
    return head;
  }

  /** Resolves a branch, tag or full commit sha; null when none matches. */
  String resolve(String revision) {
    if (branches.containsKey(revision)) {
      return branches.get(revision);
    }
    if (tags.containsKey(revision)) {
      return tags.get(revision);
    }
    return commits.containsKey(revision) ? revision : null;
  }

  Set<String> refsOf(String sha) {
    Set<String> out = new java.util.TreeSet<>();
    branches.forEach(
        (b, s) -> {
          if (s.equals(sha)) {
            out.add(b);
          }
        });
    return out;
  }
}
