package io.gpux.registry.zoo;

import java.util.List;

/**
 * One entry of the zoo's catalogue: a model name at one opset and its file.
 *
 * @param model the display name, shared by every opset of the model ({@code MNIST})
 * @param path the ONNX file's path under the zoo's base URL ({@code validated/.../mnist-8.onnx})
 * @param opset the entry's {@code opset_version}
 * @param sha256 the ONNX file's sha256 ({@code metadata.model_sha})
 * @param bytes its size ({@code metadata.model_bytes})
 * @param tags the catalogue's tags (the path's folders, plus {@code preprocessing})
 * @param withDataPath the {@code .tar.gz} of the model with its {@code test_data_set_*}, or null
 * @param withDataSha256 that archive's sha256, or null
 * @param withDataBytes its size, or -1
 * @param onnxVersion the catalogue's free-form {@code onnx_version}, or null
 * @param ioPorts the catalogue's {@code io_ports} as compact JSON (names, shapes, types of the
 *     inputs and outputs), or null when the entry has none
 */
record ZooEntry(
    String model,
    String path,
    int opset,
    String sha256,
    long bytes,
    List<String> tags,
    String withDataPath,
    String withDataSha256,
    long withDataBytes,
    String onnxVersion,
    String ioPorts) {

  ZooEntry {
    tags = List.copyOf(tags);
  }

  /** The name as references hold it: {@link ZooReferences#key}. */
  String key() {
    return ZooReferences.key(model);
  }

  /** The exact version: the opset and the first 12 hex digits of the file's sha256. */
  String version() {
    return opset + "-" + sha256.substring(0, 12);
  }

  /** The file's name in the model: the last segment of its path. */
  String fileName() {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
