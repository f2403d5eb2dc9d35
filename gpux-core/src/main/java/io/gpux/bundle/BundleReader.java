package io.gpux.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpux.digest.Sha256;
import io.gpux.error.GpuxException;
import io.gpux.modelpack.ModelPack;
import io.gpux.store.ManifestFile;
import io.gpux.store.ModelStore;
import io.gpux.store.StoreLock;
import io.gpux.store.VersionManifest;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * {@code gpux import}: reads a bundle, checking every blob against the digest that names it as it
 * is unpacked into the store's work folder, then every manifest's layers against the manifest; only
 * when the whole bundle checks out does the store take its models (each under its own lock, one
 * already there left as it is). No socket is opened.
 */
public final class BundleReader {
  private static final Pattern BLOB = Pattern.compile("(\\./)?blobs/sha256/([0-9a-f]{64})");
  private static final int MAX_JSON = 4 << 20;

  private BundleReader() {}

  public static List<Bundle.Entry> read(
      ModelStore store, Path bundle, Instant now, String pulledBy) {
    if (!Files.isRegularFile(bundle)) {
      throw GpuxException.notFound(
          "no bundle at " + bundle, "give the .tar that gpux export wrote");
    }
    Map<String, Path> blobs = new LinkedHashMap<>();
    try {
      boolean layout = false;
      byte[] index = null;
      try (InputStream in = new BufferedInputStream(Files.newInputStream(bundle), 1 << 16);
          TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
        TarArchiveEntry e;
        while ((e = tar.getNextEntry()) != null) {
          String name = e.getName();
          if (name.equals("oci-layout") || name.equals("./oci-layout")) {
            layout = true;
          }
          if (e.isFile() && (name.equals("index.json") || name.equals("./index.json"))) {
            if (e.getSize() > MAX_JSON) {
              throw GpuxException.invalidInput(
                  "the bundle's index.json is over 4 MiB", "give the .tar that gpux export wrote");
            }
            index = tar.readAllBytes();
            continue;
          }
          var m = BLOB.matcher(name);
          if (!e.isFile() || !m.matches()) {
            continue; // not part of an image layout
          }
          blobs.put(m.group(2), unpack(tar, m.group(2), store.tempDir()));
        }
      }
      if (!layout || index == null) {
        throw GpuxException.invalidInput(
            bundle + " is not an OCI image layout (no oci-layout or index.json)",
            "give the .tar that gpux export wrote");
      }
      List<Loaded> loaded = new ArrayList<>();
      for (JsonNode d : json(index, "index.json").path("manifests")) {
        loaded.add(model(d, blobs, bundle));
      }
      List<Bundle.Entry> out = new ArrayList<>();
      for (Loaded l : loaded) {
        out.add(commit(store, l, blobs, now, pulledBy));
      }
      return out;
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "cannot read " + bundle + ": " + e.getMessage(), "check the file");
    } finally {
      for (Path p : blobs.values()) {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // The work folder is cleaned by gpux prune.
        }
      }
    }
  }

  private record Loaded(String refName, VersionManifest manifest) {}

  private static Loaded model(JsonNode d, Map<String, Path> blobs, Path bundle) throws IOException {
    String refName = d.path("annotations").path(Bundle.REF_NAME).asText("");
    String digest = d.path("digest").asText("");
    Path file = digest.startsWith("sha256:") ? blobs.get(digest.substring(7)) : null;
    if (file == null) {
      throw GpuxException.invalidInput(
          bundle
              + " lists "
              + (refName.isEmpty() ? digest : refName)
              + " but has no blob "
              + digest,
          "the bundle is incomplete: export it again");
    }
    JsonNode m = json(Files.readAllBytes(file), "manifest " + digest);
    JsonNode notes = m.path("annotations");
    String registry = notes.path(Bundle.REGISTRY).asText(null);
    String name = notes.path(Bundle.NAME).asText(null);
    String version = notes.path(Bundle.VERSION).asText(null);
    if (registry == null || name == null || version == null) {
      throw GpuxException.invalidInput(
          refName
              + " in "
              + bundle
              + " was not written by gpux export (it has no io.gpux.* annotations)",
          "copy it into a registry (skopeo copy oci-archive:"
              + bundle.getFileName()
              + ":"
              + refName
              + " docker://HOST/REPO:TAG) and gpux pull it");
    }
    Map<String, String> lineage = new LinkedHashMap<>();
    notes
        .fields()
        .forEachRemaining(
            n -> {
              if (n.getKey().startsWith(Bundle.LINEAGE)) {
                lineage.put(n.getKey().substring(Bundle.LINEAGE.length()), n.getValue().asText());
              }
            });
    List<ManifestFile> files = new ArrayList<>();
    for (JsonNode layer : m.path("layers")) {
      String path = layer.path("annotations").path(ModelPack.FILEPATH).asText(null);
      String ld = layer.path("digest").asText("");
      long size = layer.path("size").asLong(-1);
      if (path == null || !ld.startsWith("sha256:") || !blobs.containsKey(ld.substring(7))) {
        throw GpuxException.invalidInput(
            refName
                + " in "
                + bundle
                + " has a layer "
                + ld
                + (path == null ? " without a file path" : " that the bundle lacks"),
            "the bundle is incomplete or not GPUX's: export it again");
      }
      if (Files.size(blobs.get(ld.substring(7))) != size) {
        throw GpuxException.invalidInput(
            refName
                + " in "
                + bundle
                + ": the layer "
                + ld
                + " is not the "
                + size
                + " bytes its manifest says",
            "the bundle is damaged: export it again");
      }
      files.add(new ManifestFile(ModelStore.checkFilePath(path), size, ld.substring(7), null));
    }
    VersionManifest vm =
        new VersionManifest(
            VersionManifest.SCHEMA_VERSION,
            registry,
            name,
            version,
            notes.path(Bundle.REQUESTED).asText(null),
            Instant.EPOCH,
            notes.path(Bundle.SOURCE).asText(null),
            files,
            lineage);
    return new Loaded(refName, vm);
  }

  private static Bundle.Entry commit(
      ModelStore store, Loaded l, Map<String, Path> blobs, Instant now, String pulledBy) {
    VersionManifest m = l.manifest();
    String reference = m.registry() + ":" + m.name() + "@" + m.version();
    long bytes = m.files().stream().mapToLong(ManifestFile::size).sum();
    try (StoreLock lock = store.lock(m.registry() + "/" + m.name())) {
      if (store.manifest(m.registry(), m.name(), m.version()).isPresent()) {
        return new Bundle.Entry(l.refName(), reference, m.files().size(), bytes, true);
      }
      for (ManifestFile f : m.files()) {
        if (!store.hasBlob(f.sha256())) {
          Path src = blobs.get(f.sha256());
          Path copy = Files.createTempFile(store.tempDir(), "import", ".tmp");
          Files.copy(src, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          store.putBlob(copy, f.sha256());
        }
      }
      Map<String, String> lineage = new LinkedHashMap<>(m.lineage());
      lineage.put("imported", "gpux import");
      if (pulledBy != null) {
        lineage.put("gpux.version", pulledBy);
      }
      store.commit(
          new VersionManifest(
              m.schemaVersion(),
              m.registry(),
              m.name(),
              m.version(),
              m.requested(),
              now,
              m.source(),
              m.files(),
              lineage));
      if (m.requested() != null && !m.requested().equals(m.version())) {
        store.tag(m.registry(), m.name(), m.requested(), m.version());
      }
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "cannot import " + reference + ": " + e.getMessage(), "check GPUX_HOME");
    }
    return new Bundle.Entry(l.refName(), reference, m.files().size(), bytes, false);
  }

  private static Path unpack(InputStream in, String hex, Path workDir) throws IOException {
    Files.createDirectories(workDir);
    Path file = Files.createTempFile(workDir, "bundle", ".tmp");
    MessageDigest sha = Sha256.digest();
    byte[] buf = new byte[1 << 16];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int n = in.read(buf); n > 0; n = in.read(buf)) {
        sha.update(buf, 0, n);
        out.write(buf, 0, n);
      }
    }
    if (!Sha256.hex(sha).equals(hex)) {
      Files.deleteIfExists(file);
      throw GpuxException.invalidInput(
          "the bundle's blob sha256:"
              + hex
              + " does not match its digest (it is sha256:"
              + Sha256.hex(sha)
              + ")",
          "the bundle is damaged or was tampered with; nothing was imported");
    }
    return file;
  }

  private static JsonNode json(byte[] bytes, String what) {
    try {
      return io.gpux.json.Json.mapper().readTree(bytes);
    } catch (IOException e) {
      throw GpuxException.invalidInput(
          "the bundle's " + what + " is not JSON", "give the .tar that gpux export wrote");
    }
  }
}
