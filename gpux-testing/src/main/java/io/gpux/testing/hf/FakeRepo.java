package io.gpux.testing.hf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * A model repository of a {@link FakeHfHub}, built like a git working copy: stage files, then
 * {@link #commit} them onto the current branch (at first {@code main}). Each commit holds the whole
 * file set, so a revision can be a branch, a tag, {@code refs/pr/N} or a commit sha. A repo without
 * commits does not exist for clients.
 *
 * <pre>{@code
 * String v1 = hub.repo("acme/bert").file("config.json", "{}").lfsFile("onnx/model.onnx", bytes)
 *     .pipelineTag("feature-extraction").commit("initial");
 * hub.repo("acme/bert").tag("v1").file("README.md", "# bert\n").commit("docs");
 * }</pre>
 *
 * <p>Model-card metadata (pipeline tag, tags, downloads...) belongs to the repo, not to a commit,
 * as on the Hub. Safe to change while the hub serves requests.
 */
public final class FakeRepo {
  static final String DEFAULT_BRANCH = "main";
  private static final Pattern COMMIT_SHA = Pattern.compile("[0-9a-f]{40}");
  private static final Pattern PR_REF = Pattern.compile("refs/pr/(\\d+)");

  private final String id;
  private final LongSupplier lfsThreshold;
  private final Map<String, Commit> commits = new LinkedHashMap<>();
  private final Map<String, String> branches = new LinkedHashMap<>();
  private final Map<String, String> tags = new LinkedHashMap<>();
  private final List<String> pullRequests = new ArrayList<>();
  private String currentBranch = DEFAULT_BRANCH;
  private TreeMap<String, HubFile> staged; // null: nothing staged, the branch head is current

  private String pipelineTag;
  private String libraryName;
  private List<String> cardTags = List.of();
  private long downloads;
  private long likes;
  private String configJson;
  private String cardDataJson;
  private String license;
  private Instant createdAt = Instant.parse("2024-01-01T00:00:00Z");
  private Instant lastModified;
  private String gated; // null, "auto" or "manual"
  private final Set<String> grantedTokens = new LinkedHashSet<>();
  private String privateToken;

  FakeRepo(String id, LongSupplier lfsThreshold) {
    String[] parts = id.split("/", -1);
    if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
      throw new IllegalArgumentException("a repo id is 'org/name', got '" + id + "'");
    }
    this.id = id;
    this.lfsThreshold = lfsThreshold;
  }

  public String id() {
    return id;
  }

  /** Stages a file; it is stored in LFS when it reaches the hub's LFS threshold. */
  public FakeRepo file(String path, byte[] bytes) {
    return stage(HubFile.of(path, bytes, bytes.length >= lfsThreshold.getAsLong()));
  }

  public FakeRepo file(String path, String utf8) {
    return file(path, utf8.getBytes(StandardCharsets.UTF_8));
  }

  /** Stages a file served from disk (streamed, so it may be large). */
  public FakeRepo file(String path, Path onDisk) {
    try {
      return stage(HubFile.onDisk(path, onDisk, Files.size(onDisk) >= lfsThreshold.getAsLong()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stages a file stored in LFS whatever its size (as a {@code .gitattributes} rule does). */
  public FakeRepo lfsFile(String path, byte[] bytes) {
    return stage(HubFile.of(path, bytes, true));
  }

  public FakeRepo lfsFile(String path, Path onDisk) {
    return stage(HubFile.onDisk(path, onDisk, true));
  }

  public synchronized FakeRepo delete(String path) {
    if (working().remove(path) == null) {
      throw new IllegalArgumentException(path + " is not in " + id + "@" + currentBranch);
    }
    return this;
  }

  /** Commits the staged files onto the current branch and returns the new commit's sha. */
  public synchronized String commit(String message) {
    String sha = newCommit(message, branches.get(currentBranch));
    branches.put(currentBranch, sha);
    return sha;
  }

  /**
   * Commits the staged files onto a new pull-request ref {@code refs/pr/N} (N counts from 1),
   * branched off the current branch, which does not move. Returns the commit sha.
   */
  public synchronized String pullRequest(String message) {
    String sha = newCommit(message, branches.get(currentBranch));
    pullRequests.add(sha);
    return sha;
  }

  /**
   * Squashes the current branch's history into one new commit with its head's files, as {@code
   * HfApi.super_squash_history} does: the old commits are gone (a client asking for one gets a 404)
   * unless another branch or a pull request still reaches them; tags on them go too. Returns the
   * new commit's sha.
   */
  public synchronized String superSquash(String message) {
    if (staged != null) {
      throw new IllegalStateException("commit the staged files before squashing");
    }
    String sha = newCommit(message, null);
    branches.put(currentBranch, sha);
    Set<String> reachable = new LinkedHashSet<>();
    List<String> heads = new ArrayList<>(branches.values());
    heads.addAll(pullRequests);
    for (String head : heads) {
      for (String c = head; c != null && reachable.add(c); ) {
        c = commits.get(c).parent();
      }
    }
    commits.keySet().retainAll(reachable);
    tags.values().retainAll(reachable);
    return sha;
  }

  /** Switches to a branch, creating it at the current head if needed (git checkout -B). */
  public synchronized FakeRepo branch(String name) {
    if (staged != null) {
      throw new IllegalStateException("commit the staged files before switching branches");
    }
    String head = branches.get(currentBranch);
    if (!branches.containsKey(name) && head != null) {
      branches.put(name, head);
    }
    currentBranch = name;
    return this;
  }

  /** Tags the head of the current branch. */
  public synchronized FakeRepo tag(String name) {
    return tag(name, currentBranch);
  }

  public synchronized FakeRepo tag(String name, String revision) {
    String sha = resolve(revision);
    if (sha == null) {
      throw new IllegalArgumentException("no revision '" + revision + "' in " + id);
    }
    tags.put(name, sha);
    return this;
  }

  public synchronized FakeRepo pipelineTag(String tag) {
    this.pipelineTag = tag;
    return this;
  }

  public synchronized FakeRepo libraryName(String name) {
    this.libraryName = name;
    return this;
  }

  /** The card's tags; {@code list_models(filter=...)} matches them. */
  public synchronized FakeRepo tags(String... tags) {
    this.cardTags = List.of(tags);
    return this;
  }

  public synchronized FakeRepo downloads(long count) {
    this.downloads = count;
    return this;
  }

  public synchronized FakeRepo likes(long count) {
    this.likes = count;
    return this;
  }

  /** The model's {@code config} object, as JSON text (served verbatim). */
  public synchronized FakeRepo config(String json) {
    this.configJson = json;
    return this;
  }

  /** The model card's YAML header as a JSON object (served verbatim as {@code cardData}). */
  public synchronized FakeRepo cardData(String json) {
    this.cardDataJson = json;
    return this;
  }

  /**
   * The model card's license: {@code cardData.license} (unless {@link #cardData} is set) and a
   * {@code license:<id>} tag, as the Hub derives both from the card's YAML header.
   */
  public synchronized FakeRepo license(String id) {
    this.license = id;
    return this;
  }

  /** Also the base of commit dates: commit N is dated N hours later. */
  public synchronized FakeRepo createdAt(Instant at) {
    this.createdAt = at;
    return this;
  }

  /** Overrides {@code lastModified}, otherwise the date of the newest branch head. */
  public synchronized FakeRepo lastModified(Instant at) {
    this.lastModified = at;
    return this;
  }

  /**
   * Gates downloads ({@code resolve}); metadata stays public, as on the Hub. Without a token a
   * download gets 401, with a token not in {@code grantedTokens} 403, both {@code X-Error-Code:
   * GatedRepo}.
   */
  public synchronized FakeRepo gated(String... grantedTokens) {
    this.gated = "manual";
    this.grantedTokens.addAll(List.of(grantedTokens));
    return this;
  }

  /** Makes the repo private: without {@code Bearer <token>} it does not exist (404). */
  public synchronized FakeRepo privateRepo(String token) {
    this.privateToken = token;
    return this;
  }

  /** The commit a revision names (branch, tag, {@code refs/...}, or sha), or null. */
  public synchronized String resolve(String revision) {
    if (branches.containsKey(revision)) {
      return branches.get(revision);
    }
    if (tags.containsKey(revision)) {
      return tags.get(revision);
    }
    if (revision.startsWith("refs/heads/")) {
      return branches.get(revision.substring("refs/heads/".length()));
    }
    if (revision.startsWith("refs/tags/")) {
      return tags.get(revision.substring("refs/tags/".length()));
    }
    var pr = PR_REF.matcher(revision);
    if (pr.matches()) {
      int n = Integer.parseInt(pr.group(1));
      return n >= 1 && n <= pullRequests.size() ? pullRequests.get(n - 1) : null;
    }
    return COMMIT_SHA.matcher(revision).matches() && commits.containsKey(revision)
        ? revision
        : null;
  }

  /** The files at a revision (path order), or an empty map when it does not exist. */
  public synchronized SortedMap<String, HubFile> files(String revision) {
    String sha = resolve(revision);
    return sha == null ? Collections.emptySortedMap() : commits.get(sha).files();
  }

  synchronized Commit commitAt(String sha) {
    return commits.get(sha);
  }

  /** A committed LFS object with this sha256, or null. */
  synchronized HubFile lfsBlob(String sha256) {
    for (Commit c : commits.values()) {
      for (HubFile f : c.files().values()) {
        if (f.lfs() && f.sha256().equals(sha256)) {
          return f;
        }
      }
    }
    return null;
  }

  synchronized boolean exists() {
    return !commits.isEmpty();
  }

  synchronized Map<String, String> branchHeads() {
    return new LinkedHashMap<>(branches);
  }

  synchronized Map<String, String> tagTargets() {
    return new LinkedHashMap<>(tags);
  }

  synchronized List<String> pullRequestHeads() {
    return List.copyOf(pullRequests);
  }

  synchronized Card card() {
    Instant modified = lastModified;
    if (modified == null) {
      // Branch heads only: a pull request does not touch the repo's own history.
      modified =
          branches.values().stream()
              .map(sha -> commits.get(sha).date())
              .max(Instant::compareTo)
              .orElse(createdAt);
    }
    List<String> allTags = new ArrayList<>(cardTags);
    String cardData = cardDataJson;
    if (license != null) {
      if (!allTags.contains("license:" + license)) {
        allTags.add("license:" + license);
      }
      if (cardData == null) {
        cardData = Json.write(Map.of("license", license));
      }
    }
    return new Card(
        pipelineTag,
        libraryName,
        List.copyOf(allTags),
        downloads,
        likes,
        configJson,
        cardData,
        createdAt,
        modified,
        gated,
        privateToken != null);
  }

  /** Whether a request with this bearer token (null: anonymous) may see the repo at all. */
  synchronized boolean visibleTo(String token) {
    return privateToken == null || privateToken.equals(token);
  }

  synchronized boolean downloadableBy(String token) {
    return gated == null || grantedTokens.contains(token) || (token != null && isOwner(token));
  }

  private boolean isOwner(String token) {
    return token.equals(privateToken);
  }

  synchronized Set<String> knownTokens() {
    Set<String> out = new LinkedHashSet<>(grantedTokens);
    if (privateToken != null) {
      out.add(privateToken);
    }
    return out;
  }

  /** Metadata a model-info answer needs, read at one instant. */
  record Card(
      String pipelineTag,
      String libraryName,
      List<String> tags,
      long downloads,
      long likes,
      String configJson,
      String cardDataJson,
      Instant createdAt,
      Instant lastModified,
      String gated,
      boolean isPrivate) {}

  private synchronized FakeRepo stage(HubFile f) {
    if (f.path().isEmpty() || f.path().startsWith("/") || f.path().contains("//")) {
      throw new IllegalArgumentException("a repo path is relative, got '" + f.path() + "'");
    }
    working().put(f.path(), f);
    return this;
  }

  private TreeMap<String, HubFile> working() {
    if (staged == null) {
      String head = branches.get(currentBranch);
      staged = head == null ? new TreeMap<>() : new TreeMap<>(commits.get(head).files());
    }
    return staged;
  }

  private String newCommit(String message, String parent) {
    SortedMap<String, HubFile> files = Collections.unmodifiableSortedMap(new TreeMap<>(working()));
    Instant date = createdAt.plus(Duration.ofHours(commits.size() + 1L));
    String sha = Commit.shaOf(id, parent, message, date, files);
    commits.put(sha, new Commit(sha, parent, message, date, "gpux-test", files));
    staged = null;
    return sha;
  }
}
