package io.gpux.registry.oci;

/** The media types and annotations GPUX reads and writes. */
final class OciMediaTypes {
  private OciMediaTypes() {}

  static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
  static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";

  static final String EMPTY = "application/vnd.oci.empty.v1+json";

  /** CNCF ModelPack (model-spec v0.0.7). */
  static final String MODELPACK_ARTIFACT = "application/vnd.cncf.model.manifest.v1+json";

  static final String MODELPACK_CONFIG = "application/vnd.cncf.model.config.v1+json";
  static final String MODELPACK_LAYER = "application/vnd.cncf.model.";
  static final String MODELPACK_FILEPATH = "org.cncf.model.filepath";

  /** ORAS: the file name of a layer, and a folder packed as tar+gzip. */
  static final String TITLE = "org.opencontainers.image.title";

  static final String ORAS_UNPACK = "io.deis.oras.content.unpack";

  /** Container image configs and layers (a KServe modelcar is an image). */
  static final String OCI_IMAGE_CONFIG = "application/vnd.oci.image.config.v1+json";

  static final String DOCKER_IMAGE_CONFIG = "application/vnd.docker.container.image.v1+json";

  /** Docker Model Runner and Ollama: GGUF weights. */
  static final String DOCKER_AI_CONFIG = "application/vnd.docker.ai.model.config.";

  static final String DOCKER_AI_GGUF = "application/vnd.docker.ai.gguf.";
  static final String OLLAMA_MODEL = "application/vnd.ollama.image.model";
}
