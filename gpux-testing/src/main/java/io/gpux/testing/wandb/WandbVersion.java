package io.gpux.testing.wandb;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * One logged artifact version: its files, metadata, state and the run that produced it. Its digest
 * is W&B's manifest digest: the MD5 of {@code "wandb-artifact-manifest-v1\n"} and one {@code
 * "path:base64md5\n"} line per file, sorted by path.
 */
public final class WandbVersion {
  final String id;
  final long number;
  final WandbCollection sequence;
  final int index;
  final Map<String, byte[]> files;
  final Map<String, String> references;
  final String metadataJson;
  final String state;
  final Instant created;
  final WandbRun run;
  final String description;
  private volatile String digest;
  private final java.util.concurrent.ConcurrentHashMap<String, String> md5s =
      new java.util.concurrent.ConcurrentHashMap<>();

  WandbVersion(
      long number,
      WandbCollection sequence,
      int index,
      Map<String, byte[]> files,
      Map<String, String> references,
      String metadataJson,
      String state,
      Instant created,
      WandbRun run,
      String description) {
    this.number = number;
    this.id =
        Base64.getEncoder().encodeToString(("Artifact:" + number).getBytes(StandardCharsets.UTF_8));
    this.sequence = sequence;
    this.index = index;
    this.files = new TreeMap<>(files);
    this.references = new TreeMap<>(references);
    this.metadataJson = metadataJson;
    this.state = state;
    this.created = created;
    this.run = run;
    this.description = description;
  }

  public String id() {
    return id;
  }

  /** {@code vN} in its own sequence. */
  public String version() {
    return "v" + index;
  }

  public Map<String, byte[]> files() {
    return files;
  }

  public String digest() {
    String d = digest;
    if (d == null) {
      d = computeDigest(); // the files never change: hash them once
      digest = d;
    }
    return d;
  }

  private String computeDigest() {
    StringBuilder sb = new StringBuilder("wandb-artifact-manifest-v1\n");
    TreeMap<String, String> all = new TreeMap<>();
    files.keySet().forEach(p -> all.put(p, md5(p)));
    references.forEach((p, url) -> all.put(p, md5Base64(url.getBytes(StandardCharsets.UTF_8))));
    all.forEach((p, d) -> sb.append(p).append(':').append(d).append('\n'));
    return HexFormat.of().formatHex(md5(sb.toString().getBytes(StandardCharsets.UTF_8)));
  }

  /** The base64 MD5 of one file, computed once. */
  String md5(String path) {
    return md5s.computeIfAbsent(path, p -> md5Base64(files.get(p)));
  }

  long size() {
    return files.values().stream().mapToLong(b -> b.length).sum();
  }

  static String md5Base64(byte[] b) {
    return Base64.getEncoder().encodeToString(md5(b));
  }

  static byte[] md5(byte[] b) {
    try {
      return MessageDigest.getInstance("MD5").digest(b);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The run that logged a version. */
  public record WandbRun(String id, String displayName, String configJson, String summaryJson) {}
}
