package io.gpux.bundle;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpux.error.GpuxException;
import io.gpux.modelpack.ModelPack;
import io.gpux.store.ManifestFile;
import io.gpux.store.ModelStore;
import io.gpux.store.VersionManifest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * {@code gpux export}: stored models into one OCI image layout tar, written beside the target and
 * moved into place when complete, so a failed export leaves no half bundle under its name.
 */
public final class BundleWriter {
  private BundleWriter() {}

  /**
   * @param models each stored version with the name it gets in the bundle ({@code
   *     org.opencontainers.image.ref.name})
   */
  public static List<Bundle.Entry> write(
      ModelStore store,
      Map<String, VersionManifest> models,
      Map<String, String> references,
      Path target) {
    Path dir = target.toAbsolutePath().getParent();
    List<Bundle.Entry> out = new ArrayList<>();
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".gpux-export", ".tmp");
      try {
        try (OutputStream os = Files.newOutputStream(tmp);
            TarArchiveOutputStream tar =
                new TarArchiveOutputStream(new java.io.BufferedOutputStream(os, 1 << 16))) {
          tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
          tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
          put(
              tar,
              "oci-layout",
              "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
          ObjectNode index = io.gpux.json.Json.mapper().createObjectNode();
          index.put("schemaVersion", 2).put("mediaType", ModelPack.INDEX);
          ArrayNode manifests = index.putArray("manifests");
          Set<String> written = new HashSet<>();
          for (Map.Entry<String, VersionManifest> e : models.entrySet()) {
            VersionManifest m = e.getValue();
            List<ModelPack.File> files = new ArrayList<>();
            long bytes = 0;
            for (ManifestFile f : m.files()) {
              files.add(new ModelPack.File(f.path(), f.size(), f.sha256()));
              bytes += f.size();
            }
            ModelPack.Artifact a = ModelPack.build(m.name(), m.requested(), files, annotations(m));
            for (ModelPack.File f : a.files()) {
              if (written.add(f.sha256())) {
                putFile(tar, "blobs/sha256/" + f.sha256(), store.blobPath(f.sha256()), f.size());
              }
            }
            blob(tar, written, a.config());
            blob(tar, written, a.manifest());
            manifests
                .addObject()
                .put("mediaType", ModelPack.MANIFEST)
                .put("artifactType", ModelPack.ARTIFACT)
                .put("digest", a.digest())
                .put("size", a.manifest().length)
                .putObject("annotations")
                .put(Bundle.REF_NAME, e.getKey());
            out.add(
                new Bundle.Entry(
                    e.getKey(), references.get(e.getKey()), files.size(), bytes, false));
          }
          put(tar, "index.json", io.gpux.json.Json.mapper().writeValueAsBytes(index));
        }
        Files.move(
            tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "cannot write " + target + ": " + e.getMessage(), "check the folder and its free space");
    }
    return out;
  }

  /** The model's GPUX identity and lineage, which an import restores. */
  static Map<String, String> annotations(VersionManifest m) {
    Map<String, String> a = new LinkedHashMap<>();
    a.put(Bundle.REGISTRY, m.registry());
    a.put(Bundle.NAME, m.name());
    a.put(Bundle.VERSION, m.version());
    if (m.requested() != null) {
      a.put(Bundle.REQUESTED, m.requested());
    }
    if (m.source() != null) {
      a.put(Bundle.SOURCE, m.source());
    }
    m.lineage().forEach((k, v) -> a.put(Bundle.LINEAGE + k, v));
    return a;
  }

  private static void blob(TarArchiveOutputStream tar, Set<String> written, byte[] bytes)
      throws IOException {
    String hex = io.gpux.digest.Sha256.hex(bytes);
    if (written.add(hex)) {
      put(tar, "blobs/sha256/" + hex, bytes);
    }
  }

  private static void put(TarArchiveOutputStream tar, String name, byte[] bytes)
      throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(bytes.length);
    e.setModTime(0);
    tar.putArchiveEntry(e);
    tar.write(bytes);
    tar.closeArchiveEntry();
  }

  private static void putFile(TarArchiveOutputStream tar, String name, Path file, long size)
      throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(size);
    e.setModTime(0);
    tar.putArchiveEntry(e);
    Files.copy(file, tar);
    tar.closeArchiveEntry();
  }
}
