package io.gpux.archive;

import io.gpux.digest.Sha256;
import io.gpux.error.GpuxException;
import io.gpux.store.ModelStore;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

/**
 * Tar archives unpacked one after another into one set of files, as the layers of an image stack: a
 * later archive's file replaces an earlier one's, and with whiteouts {@code .wh.NAME} removes NAME
 * (and what is under it) from earlier archives, {@code .wh..wh..opq} everything under its folder.
 * Each file is written into a work folder while its sha256 is computed, so the store can take it
 * without reading it again. Not thread-safe; {@link #close} deletes what was not taken.
 */
public final class Overlay implements AutoCloseable {
  /** How an archive is compressed. */
  public enum Compression {
    NONE,
    GZIP,
    ZSTD
  }

  /** A file of the result: its bytes in {@code file} (in the work folder), with their digest. */
  public record Entry(String path, Path file, long size, String sha256) {}

  private record Item(Entry entry, int layer) {}

  private record Link(String path, String target, int layer, String archive) {}

  private static final int MAX_LINK_HOPS = 40;

  private final Path workDir;
  private final long maxBytes;
  private final int maxEntries;
  private final Map<String, Item> files = new LinkedHashMap<>();
  private final List<Link> links = new ArrayList<>();
  private final List<Path> written = new ArrayList<>();
  private long bytes;
  private int entries;
  private int layer;

  /**
   * @param workDir where unpacked files are written (the store's work folder, on its disk)
   * @param maxBytes refuse once the files written add up to more than this
   * @param maxEntries refuse an archive set with more entries than this
   */
  public Overlay(Path workDir, long maxBytes, int maxEntries) {
    this.workDir = workDir;
    this.maxBytes = maxBytes;
    this.maxEntries = maxEntries;
  }

  /**
   * Unpacks one archive on top of what is there.
   *
   * @param name the archive as messages call it ({@code layer sha256:ab12...})
   * @param from only entries under this folder are taken, with it cut from their paths; "" for all
   */
  public void add(
      Path archive, Compression compression, String from, boolean whiteouts, String name)
      throws IOException {
    layer++;
    String prefix = folder(from);
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive), 1 << 16);
        InputStream in = decompressed(raw, compression);
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        if (++entries > maxEntries) {
          throw refused(name, "has more than " + maxEntries + " entries");
        }
        String path = normalize(e.getName(), name);
        String base = path.substring(path.lastIndexOf('/') + 1);
        if (whiteouts && base.startsWith(".wh.")) {
          String dir = path.substring(0, path.length() - base.length());
          if (base.equals(".wh..wh..opq")) {
            whiteout(dir.isEmpty() ? "" : dir.substring(0, dir.length() - 1), true, prefix);
          } else {
            whiteout(dir + base.substring(4), false, prefix);
          }
          continue;
        }
        if (!path.startsWith(prefix) || path.length() == prefix.length()) {
          continue; // outside the folder that is the model (an image's /bin, /etc)
        }
        String rel = path.substring(prefix.length());
        if (e.isDirectory()) {
          continue;
        }
        check(rel, name);
        if (e.isSymbolicLink()) {
          links.add(new Link(rel, symlinkTarget(path, e.getLinkName(), prefix, name), layer, name));
        } else if (e.isLink()) {
          String target = normalize(e.getLinkName(), name);
          if (!target.startsWith(prefix)) {
            throw refused(name, "links " + rel + " to " + target + ", outside the model's folder");
          }
          links.add(new Link(rel, target.substring(prefix.length()), layer, name));
        } else if (e.isFile()) {
          put(rel, write(tar, name));
        } else {
          throw refused(name, "has " + rel + ", which is neither a file, a folder nor a link");
        }
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof GpuxException) {
        throw e;
      }
      throw GpuxException.unavailable(
          "cannot unpack " + name + ": " + e.getMessage(),
          "the archive is damaged or not a tar"
              + (compression == Compression.NONE ? "" : " of its compression"));
    }
  }

  /** The files once every archive is in, links resolved to the files they name. */
  public Map<String, Entry> files() {
    for (Link l : links) {
      files.remove(l.path());
    }
    Map<String, Entry> out = new LinkedHashMap<>();
    files.forEach((p, i) -> out.put(p, i.entry()));
    for (Link l : links) {
      String target = l.target();
      for (int hop = 0; ; hop++) {
        if (hop > MAX_LINK_HOPS) {
          throw refused(l.archive(), "has a loop of links at " + l.path());
        }
        String t = target;
        Link next = links.stream().filter(x -> x.path().equals(t)).findFirst().orElse(null);
        if (next == null) {
          break;
        }
        target = next.target();
      }
      Item file = files.get(target);
      if (file != null) {
        Entry e = file.entry();
        out.put(l.path(), new Entry(l.path(), e.file(), e.size(), e.sha256()));
        continue;
      }
      // A link to a folder: the folder's files again under the link's path.
      String dir = folder(target);
      boolean any = false;
      for (Map.Entry<String, Item> f : files.entrySet()) {
        if (f.getKey().startsWith(dir)) {
          String p = l.path() + "/" + f.getKey().substring(dir.length());
          Entry e = f.getValue().entry();
          out.put(p, new Entry(check(p, l.archive()), e.file(), e.size(), e.sha256()));
          any = true;
        }
      }
      if (!any) {
        throw refused(
            l.archive(), "links " + l.path() + " to " + target + ", which it does not hold");
      }
    }
    return out;
  }

  /** Deletes the unpacked files the store did not take (moved ones are gone already). */
  @Override
  public void close() {
    for (Path p : written) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // The store's work folder is cleaned by gpux prune.
      }
    }
  }

  private void put(String rel, Entry e) {
    files.remove(rel);
    links.removeIf(l -> l.path().equals(rel));
    files.put(rel, new Item(new Entry(rel, e.file(), e.size(), e.sha256()), layer));
  }

  /**
   * Applies a whiteout from the current layer to earlier ones: {@code path} (an archive path) is
   * removed with what is under it, or for an opaque whiteout only what is under it.
   */
  private void whiteout(String path, boolean opaque, String prefix) {
    String model = prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1);
    java.util.function.Predicate<String> hit;
    if (path.isEmpty() || model.equals(path) || model.startsWith(path + "/")) {
      hit = k -> true; // the model's folder or one above it
    } else if (path.startsWith(prefix)) {
      String rel = path.substring(prefix.length());
      hit = k -> (!opaque && k.equals(rel)) || k.startsWith(rel + "/");
    } else {
      return;
    }
    files.entrySet().removeIf(f -> f.getValue().layer() < layer && hit.test(f.getKey()));
    links.removeIf(l -> l.layer() < layer && hit.test(l.path()));
  }

  private Entry write(InputStream in, String name) throws IOException {
    Path file = Files.createTempFile(workDir, "unpacked", ".tmp");
    written.add(file);
    MessageDigest sha = Sha256.digest();
    long size = 0;
    byte[] buffer = new byte[1 << 16];
    try (OutputStream out = Files.newOutputStream(file)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        size += n;
        bytes += n;
        if (bytes > maxBytes) {
          throw refused(
              name,
              "unpacks to more than "
                  + io.gpux.units.ByteSizes.human(maxBytes)
                  + " (the limit for its size, or the free disk space)");
        }
        sha.update(buffer, 0, n);
        out.write(buffer, 0, n);
      }
    }
    return new Entry(null, file, size, Sha256.hex(sha));
  }

  private static InputStream decompressed(InputStream raw, Compression c) throws IOException {
    return switch (c) {
      case NONE -> raw;
      case GZIP -> new java.util.zip.GZIPInputStream(raw, 1 << 16);
      case ZSTD -> new ZstdCompressorInputStream(raw);
    };
  }

  /** An archive path without leading "/" or "./" segments; ".." anywhere is refused. */
  private static String normalize(String entry, String name) {
    String p = entry.replace('\u0000', ' ');
    while (p.startsWith("/") || p.startsWith("./")) {
      p = p.startsWith("/") ? p.substring(1) : p.substring(2);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    for (String s : p.split("/", -1)) {
      if (s.equals("..")) {
        throw refused(name, "has the entry '" + printable(entry) + "', which leaves its folder");
      }
    }
    return p.replace("/./", "/");
  }

  /** Where a symbolic link points, as a path under {@code prefix}, or refused when outside. */
  private static String symlinkTarget(String path, String target, String prefix, String name) {
    Deque<String> parts = new ArrayDeque<>();
    if (!target.startsWith("/")) {
      String[] at = path.split("/");
      for (int i = 0; i < at.length - 1; i++) {
        parts.addLast(at[i]);
      }
    }
    for (String s : target.split("/")) {
      if (s.isEmpty() || s.equals(".")) {
        continue;
      }
      if (s.equals("..")) {
        if (parts.isEmpty()) {
          throw outside(path, target, prefix, name);
        }
        parts.removeLast();
      } else {
        parts.addLast(s);
      }
    }
    String resolved = String.join("/", parts);
    if (!resolved.startsWith(prefix) || resolved.length() == prefix.length()) {
      throw outside(path, target, prefix, name);
    }
    return resolved.substring(prefix.length());
  }

  private static GpuxException outside(String path, String target, String prefix, String name) {
    return refused(
        name,
        "links "
            + printable(path)
            + " to "
            + printable(target)
            + ", outside the model's folder"
            + (prefix.isEmpty() ? "" : " (/" + prefix + ")"));
  }

  private static String check(String rel, String name) {
    try {
      return ModelStore.checkFilePath(rel);
    } catch (GpuxException e) {
      throw refused(name, "has an unsafe entry: " + e.getMessage());
    }
  }

  private static String folder(String path) {
    String p = path == null ? "" : path;
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    return p.isEmpty() || p.endsWith("/") ? p : p + "/";
  }

  private static GpuxException refused(String name, String why) {
    return GpuxException.invalidInput(
        "refusing " + name + ": it " + why,
        "the archive is malformed or hostile; nothing of it was stored");
  }

  private static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      sb.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return sb.toString();
  }
}
