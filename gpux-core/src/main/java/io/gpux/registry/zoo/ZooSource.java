package io.gpux.registry.zoo;

import io.gpux.error.GpuxException;
import io.gpux.registry.Endpoints;
import io.gpux.registry.RegistryContext;
import io.gpux.transfer.HttpCall;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Where the catalogue and the files come from: the catalogue shipped with GPUX and the Hugging Face
 * mirror ({@code HF_ENDPOINT}, {@code onnxmodelzoo/legacy_models}), or a zoo mirror at {@code
 * GPUX_ONNX_ZOO_URL} that holds {@code ONNX_HUB_MANIFEST.json} and every {@code model_path}.
 */
final class ZooSource {
  /** GPUX's own setting for a zoo mirror (declared in {@link io.gpux.config.GpuxSettings}). */
  static final String URL_VARIABLE = "GPUX_ONNX_ZOO_URL";

  static final String MANIFEST = "ONNX_HUB_MANIFEST.json";

  /** The Hub repository that mirrors the zoo's GitHub tree path for path. */
  static final String HF_MIRROR = "onnxmodelzoo/legacy_models";

  /**
   * The shipped catalogue's sha256: onnx/models@b1eeaa1 (2025-06-27), the last manifest before the
   * zoo stopped serving files from GitHub. A resource that does not match was damaged or replaced.
   */
  static final String SHIPPED_SHA256 =
      "569ccd009a5cdc885bac88a1ceaf72e69e69262f0e1c9d16ef5a7339021a2904";

  private final RegistryContext context;
  private final String mirror;
  private final String hub;
  private volatile ZooCatalogue catalogue;

  ZooSource(RegistryContext context) {
    this.context = context;
    String custom = context.env(URL_VARIABLE, null);
    this.mirror =
        custom == null
            ? null
            : Endpoints.parse(
                context.http(),
                URL_VARIABLE,
                custom,
                "https://zoo-mirror.example.com/onnx-models",
                "a zoo mirror takes no credentials");
    this.hub =
        custom != null
            ? null
            : Endpoints.fromEnv(
                context,
                "HF_ENDPOINT",
                "https://huggingface.co",
                "set HF_TOKEN or run `gpux login hf` for a token");
  }

  /** The base URL every {@code model_path} is under. */
  String base() {
    return mirror != null ? mirror : hub + "/" + HF_MIRROR + "/resolve/main";
  }

  /** The catalogue: fetched once from the mirror, or the shipped one (no network). */
  ZooCatalogue catalogue() {
    ZooCatalogue c = catalogue;
    if (c == null) {
      synchronized (this) {
        if (catalogue == null) {
          catalogue = mirror == null ? shipped() : fetched();
        }
        c = catalogue;
      }
    }
    return c;
  }

  /** Where the catalogue came from, for lineage and messages. */
  String catalogueSource() {
    return mirror == null ? "shipped with gpux (onnx/models@b1eeaa1)" : mirror + "/" + MANIFEST;
  }

  static ZooCatalogue shipped() {
    byte[] bytes;
    try (InputStream in = ZooSource.class.getResourceAsStream(MANIFEST)) {
      if (in == null) {
        throw new IOException("missing");
      }
      bytes = in.readAllBytes();
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "the ONNX Model Zoo catalogue shipped with gpux is missing", "reinstall gpux");
    }
    String sha = io.gpux.digest.Sha256.hex(bytes);
    if (!sha.equals(SHIPPED_SHA256)) {
      throw GpuxException.unavailable(
          "the ONNX Model Zoo catalogue shipped with gpux has sha256 "
              + sha
              + ", expected "
              + SHIPPED_SHA256,
          "reinstall gpux, or set " + URL_VARIABLE + " to a zoo mirror");
    }
    return ZooCatalogue.parse(bytes, "the catalogue shipped with gpux");
  }

  private ZooCatalogue fetched() {
    URI uri = URI.create(mirror + "/" + MANIFEST);
    HttpResponse<byte[]> r =
        context
            .http()
            .send(
                HttpCall.get(uri).header("Accept", "application/json"),
                HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() == 404) {
      throw GpuxException.notFound(
          "no " + MANIFEST + " at " + mirror + " (" + URL_VARIABLE + ")",
          "set " + URL_VARIABLE + " to the folder that holds " + MANIFEST + ", or unset it");
    }
    if (r.statusCode() / 100 != 2) {
      throw GpuxException.unavailable(
          "the zoo mirror at " + mirror + " answered HTTP " + r.statusCode() + " for " + MANIFEST,
          "retry later, or unset " + URL_VARIABLE + " to use the Hugging Face mirror");
    }
    return ZooCatalogue.parse(r.body(), uri.toString());
  }

  /** How to fetch a catalogue path: from the mirror, or from the Hub with its token. */
  HttpCall download(String path) {
    StringBuilder sb = new StringBuilder(base());
    for (String segment : path.split("/")) {
      sb.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    HttpCall call =
        HttpCall.get(URI.create(sb.toString()))
            .header("Accept-Encoding", "identity")
            .timeout(java.time.Duration.ofMinutes(10));
    return mirror != null ? call : call.credentials(hubAuth());
  }

  /** The header the Hugging Face plug-in sends: the same variables, the same stored login. */
  private Map<String, String> hubAuth() {
    return context
        .credentials()
        .token("hf", List.of("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"))
        .map(t -> Map.of("Authorization", "Bearer " + t.reveal()))
        .orElse(Map.of());
  }
}
