package io.gpux.registry.oci;

import io.gpux.digest.Sha256;
import io.gpux.error.GpuxException;
import io.gpux.modelpack.ModelPack;
import io.gpux.registry.PushRequest;
import io.gpux.transfer.HttpCall;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code gpux push} to an OCI registry: the folder becomes a CNCF ModelPack artifact (model-spec
 * v0.0.7), each file one raw layer named by {@code org.cncf.model.filepath} (and {@code
 * org.opencontainers.image.title}, so ORAS names it too), the config stating the format, {@code
 * onnx}, and the layers' digests; GPUX's lineage and the user's annotations are the manifest's
 * annotations. Nothing in it depends on the time, so the same folder pushes to the same digest.
 *
 * <p>Blobs the repository has are skipped (HEAD); blobs of the stored model's own repository on the
 * same registry are mounted ({@code mount=&from=}); the rest go up in one PUT when small, in {@link
 * #CHUNK}-sized PATCHes when large, an interrupted chunk resumed from the offset the registry
 * reports for the upload. Up to {@link #PARALLEL} blobs go up at once, as skopeo and the Docker
 * client do: one upload at a time leaves the link idle while the registry commits each blob. Files
 * of a stored model are not hashed again: the store verified them on the way in.
 */
final class OciPusher {
  static final int CHUNK = 16 << 20;
  static final int PARALLEL = 4;
  private static final int RESUMES = 5;

  /** What one push did, blob by blob. */
  record Outcome(
      String digest,
      String reference,
      int files,
      long bytes,
      int uploaded,
      int skipped,
      int mounted,
      long sent) {}

  private final OciClient client;
  private final String repo;
  private final String scope;
  private final java.util.concurrent.atomic.AtomicInteger uploaded =
      new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicInteger skipped =
      new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicInteger mounted =
      new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicLong sent =
      new java.util.concurrent.atomic.AtomicLong();
  int chunkSize = CHUNK;

  OciPusher(OciClient client, String repo) {
    this.client = client;
    this.repo = repo;
    this.scope = OciClient.pushScope(repo);
  }

  private record Layer(String path, Path file, long size, String digest) {}

  Outcome push(PushRequest request, String tag) {
    List<Layer> layers = files(request.directory(), request.sha256());
    if (layers.isEmpty()) {
      throw GpuxException.invalidInput(
          "nothing to push in " + request.directory() + ": it has no files", "give a model folder");
    }
    String fromRepo = mountSource(request.from());
    Map<String, String> notes = new java.util.LinkedHashMap<>();
    request.lineage().forEach((k, v) -> notes.put("io.gpux.lineage." + k, v));
    if (request.from() != null) {
      notes.put("io.gpux.pushed-from", request.from());
    }
    request.annotations().forEach((k, v) -> notes.put(checkKey(k), v));
    List<ModelPack.File> files = new ArrayList<>();
    long total = 0;
    for (Layer l : layers) {
      files.add(new ModelPack.File(l.path(), l.size(), l.digest().substring("sha256:".length())));
      total += l.size();
    }
    ModelPack.Artifact a =
        ModelPack.build(repo.substring(repo.lastIndexOf('/') + 1), tag, files, notes);
    ensureAll(layers, fromRepo);
    ensure(a.configDigest(), a.config().length, null, a.config(), fromRepo);
    byte[] manifest = a.manifest();
    String digest = a.digest();
    putManifest(tag != null ? tag : digest, manifest);
    if (request.alias() != null && !request.alias().equals(tag)) {
      putManifest(request.alias(), manifest);
    }
    return new Outcome(
        digest,
        OciReferences.SCHEME + client.host + "/" + repo + "@" + digest,
        layers.size(),
        total,
        uploaded.get(),
        skipped.get(),
        mounted.get(),
        sent.get());
  }

  /** The layers' blobs, {@link #PARALLEL} at a time; the first failure stops the rest. */
  private void ensureAll(List<Layer> layers, String fromRepo) {
    if (layers.size() == 1) {
      Layer l = layers.get(0);
      ensure(l.digest(), l.size(), l.file(), null, fromRepo);
      return;
    }
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(
            Math.min(PARALLEL, layers.size()),
            r -> {
              Thread t = new Thread(r, "gpux-oci-push");
              t.setDaemon(true);
              return t;
            });
    try {
      List<java.util.concurrent.Future<?>> running = new ArrayList<>();
      for (Layer l : layers) {
        running.add(pool.submit(() -> ensure(l.digest(), l.size(), l.file(), null, fromRepo)));
      }
      for (java.util.concurrent.Future<?> f : running) {
        f.get();
      }
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw GpuxException.unavailable("the push was interrupted", "push again");
    } finally {
      pool.shutdownNow();
    }
  }

  private void putManifest(String reference, byte[] manifest) {
    HttpCall put =
        new HttpCall(
            "PUT",
            client.uri("/v2/" + repo + "/manifests/" + reference),
            Map.of("Content-Type", OciMediaTypes.OCI_MANIFEST),
            Map.of(),
            Duration.ofSeconds(60),
            manifest);
    HttpResponse<byte[]> r = client.send(put, scope);
    if (r.statusCode() != 201) {
      throw client.error(r, "manifest " + repo + ":" + reference + " (push)");
    }
  }

  /** Makes sure the repository has the blob: there already, mounted, or uploaded. */
  private void ensure(String digest, long size, Path file, byte[] bytes, String fromRepo) {
    HttpResponse<byte[]> head =
        client.send(HttpCall.head(client.uri("/v2/" + repo + "/blobs/" + digest)), scope);
    if (head.statusCode() == 200) {
      skipped.incrementAndGet();
      return;
    }
    String start = "/v2/" + repo + "/blobs/uploads/";
    if (fromRepo != null) {
      start += "?mount=" + digest + "&from=" + fromRepo;
    }
    HttpResponse<byte[]> r =
        client.send(
            new HttpCall(
                "POST", client.uri(start), Map.of(), Map.of(), Duration.ofSeconds(60), new byte[0]),
            scope);
    if (r.statusCode() == 201 && fromRepo != null) {
      mounted.incrementAndGet();
      return;
    }
    if (r.statusCode() != 202) {
      throw client.error(r, "an upload to " + repo);
    }
    URI location = location(r, client.uri(start));
    uploaded.incrementAndGet();
    if (size <= chunkSize) {
      byte[] body = bytes != null ? bytes : read(file, 0, (int) size);
      finish(location, digest, body);
      sent.addAndGet(size);
      return;
    }
    long offset = 0;
    int resumes = 0;
    while (offset < size) {
      int n = (int) Math.min(chunkSize, size - offset);
      byte[] chunk = read(file, offset, n);
      HttpCall patch =
          new HttpCall(
              "PATCH",
              location,
              Map.of(
                  "Content-Type",
                  "application/octet-stream",
                  "Content-Range",
                  offset + "-" + (offset + n - 1)),
              Map.of(),
              Duration.ofMinutes(5),
              chunk);
      HttpResponse<byte[]> p;
      try {
        p = client.send(patch, scope);
      } catch (GpuxException lost) {
        p = null;
        if (++resumes > RESUMES) {
          throw lost;
        }
      }
      if (p != null && p.statusCode() == 202) {
        location = location(p, location);
        offset += n;
        sent.addAndGet(n);
        continue;
      }
      if (p != null && p.statusCode() != 416 && p.statusCode() != 404 && p.statusCode() < 500) {
        throw client.error(p, "a chunk of " + digest + " (push)");
      }
      if (p != null && ++resumes > RESUMES) {
        throw client.error(p, "a chunk of " + digest + " (push)");
      }
      // The chunk was lost or not taken whole: ask the registry how much it has and go on from
      // there. A registry that cannot say (docker-registry 2.8 invalidates an upload whose chunk
      // broke off: BLOB_UPLOAD_INVALID) gets this blob again from its start; the others stay.
      HttpResponse<byte[]> status = client.send(HttpCall.get(location), scope);
      if (status.statusCode() == 204) {
        location = location(status, location);
        offset = status.headers().firstValue("range").map(OciPusher::rangeEnd).orElse(-1L) + 1;
      } else {
        HttpResponse<byte[]> again =
            client.send(
                new HttpCall(
                    "POST",
                    client.uri("/v2/" + repo + "/blobs/uploads/"),
                    Map.of(),
                    Map.of(),
                    Duration.ofSeconds(60),
                    new byte[0]),
                scope);
        if (again.statusCode() != 202) {
          throw client.error(again, "an upload to " + repo);
        }
        location = location(again, client.uri("/v2/" + repo + "/blobs/uploads/"));
        offset = 0;
      }
    }
    finish(location, digest, new byte[0]);
  }

  private void finish(URI location, String digest, byte[] body) {
    URI put =
        URI.create(location + (location.getRawQuery() == null ? "?" : "&") + "digest=" + digest);
    HttpResponse<byte[]> done =
        client.send(
            new HttpCall(
                "PUT",
                put,
                Map.of("Content-Type", "application/octet-stream"),
                Map.of(),
                Duration.ofMinutes(5),
                body),
            scope);
    if (done.statusCode() != 201) {
      throw client.error(done, "the upload of " + digest + " (push)");
    }
  }

  /** The end of {@code 0-N} (docker-registry) or {@code bytes=0-N}; -1 when nothing is there. */
  static long rangeEnd(String range) {
    String r = range.startsWith("bytes=") ? range.substring(6) : range;
    int dash = r.indexOf('-');
    try {
      return dash < 0 ? -1 : Long.parseLong(r.substring(dash + 1).trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private URI location(HttpResponse<byte[]> r, URI base) {
    String l = r.headers().firstValue("location").orElse(null);
    if (l == null) {
      return base;
    }
    URI u = base.resolve(l);
    if (!u.getAuthority().equalsIgnoreCase(client.base.getAuthority())) {
      // This host's credentials go to this host only; an upload elsewhere is not followed.
      throw GpuxException.unavailable(
          client.host + " sent the upload to another host (" + u.getAuthority() + ")",
          "GPUX uploads only to the registry's own host");
    }
    return u;
  }

  /** The stored model's repository when it is on this registry, to mount its blobs from. */
  private String mountSource(String from) {
    if (from == null || !from.startsWith(OciReferences.SCHEME)) {
      return null;
    }
    String name = from.substring(OciReferences.SCHEME.length());
    int at = name.indexOf('@');
    name = at < 0 ? name : name.substring(0, at);
    if (!OciReferences.host(name).equals(client.host)) {
      return null;
    }
    String other = OciReferences.repository(name);
    return other.equals(repo) ? null : other;
  }

  private static String checkKey(String key) {
    if (key.isBlank()
        || key.chars().anyMatch(c -> Character.isISOControl(c) || Character.isWhitespace(c))) {
      throw GpuxException.invalidInput(
          "the annotation key '" + key + "' is empty or has spaces",
          "write --annotation key=value");
    }
    return key;
  }

  private static List<Layer> files(Path dir, Map<String, String> known) {
    List<Layer> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
        String rel = dir.relativize(p).toString().replace(java.io.File.separatorChar, '/');
        io.gpux.store.ModelStore.checkFilePath(rel);
        String sha = known.get(rel);
        out.add(new Layer(rel, p, Files.size(p), "sha256:" + (sha != null ? sha : hash(p))));
      }
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "cannot read " + dir + ": " + e.getMessage(), "check the folder");
    }
    out.sort(java.util.Comparator.comparing(Layer::path));
    return out;
  }

  private static String hash(Path p) throws IOException {
    MessageDigest sha = Sha256.digest();
    try (InputStream in = Files.newInputStream(p)) {
      byte[] buf = new byte[1 << 16];
      for (int n = in.read(buf); n > 0; n = in.read(buf)) {
        sha.update(buf, 0, n);
      }
    }
    return Sha256.hex(sha);
  }

  private static byte[] read(Path file, long offset, int n) {
    byte[] out = new byte[n];
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(out);
      while (b.hasRemaining()) {
        if (ch.read(b, offset + b.position()) < 0) {
          throw new IOException("the file shrank while it was pushed");
        }
      }
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "cannot read " + file + ": " + e.getMessage(), "check the folder");
    }
    return out;
  }
}
