package io.gpux.onnx;

import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads an ONNX model's interface and provenance straight from the file, without ONNX Runtime and
 * without the protobuf library: fast enough for {@code gpux inspect} and {@code gpux build} to
 * check a model before anything loads it.
 *
 * <p>The file is memory-mapped and parsed lazily, so a 500 MB model costs a few page faults, not
 * 500 MB of heap: weight payloads are skipped, never copied.
 */
public final class OnnxModelReader {
  private static final byte[] LFS_POINTER_PREFIX =
      "version https://git-lfs.github.com/spec/v1".getBytes(StandardCharsets.US_ASCII);
  private static final String NOT_ONNX_HINT =
      "The file must be an ONNX ModelProto, e.g. exported with torch.onnx.export or skl2onnx";

  private OnnxModelReader() {}

  /**
   * Reads {@code file}.
   *
   * @throws GpuxException NOT_FOUND when the file does not exist; INVALID_INPUT when it is empty, a
   *     Git LFS pointer, not an ONNX model, or unreadable
   */
  public static OnnxModelInfo read(Path file) {
    if (!Files.exists(file)) {
      throw GpuxException.notFound(
          "Model file " + file + " does not exist", "Check the path, or model.source in gpux.yml");
    }
    if (Files.isDirectory(file)) {
      throw GpuxException.invalidInput(
          "Model file " + file + " is a directory", "Point to the .onnx file inside it");
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer bytes = map(file, channel);
      if (startsWith(bytes, LFS_POINTER_PREFIX)) {
        throw GpuxException.invalidInput(
            "Model file " + file + " is a Git LFS pointer, not the model itself",
            "Run `git lfs pull` in the repository that holds it, or download the real file");
      }
      return ModelProtoParser.parse(new ProtoReader(bytes));
    } catch (MalformedProtoException e) {
      throw notAnOnnxModel(file, e.getMessage(), e);
    } catch (IOException e) {
      throw new GpuxException(
          ErrorCategory.INVALID_INPUT,
          "Cannot read model file " + file + ": " + e,
          "Check that the file is readable by this user",
          e);
    } catch (GpuxException e) {
      throw e;
    } catch (RuntimeException e) {
      // The parser checks its bounds, so this is a bug; still, the user's model is the trigger.
      throw notAnOnnxModel(file, e.toString(), e);
    }
  }

  private static ByteBuffer map(Path file, FileChannel channel) throws IOException {
    long size = channel.size();
    if (size == 0) {
      throw GpuxException.invalidInput(
          "Model file " + file + " is empty (0 bytes)",
          "An interrupted download or copy leaves an empty file: fetch or export the model again");
    }
    if (size > Integer.MAX_VALUE) {
      throw GpuxException.invalidInput(
          "Model file " + file + " is " + size + " bytes, more than the 2 GB protobuf can hold",
          "Export the weights to external data, e.g. onnx.save(model, path,"
              + " save_as_external_data=True)");
    }
    // The mapping stays valid after the channel closes; the GC unmaps it.
    return channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
  }

  private static boolean startsWith(ByteBuffer bytes, byte[] prefix) {
    if (bytes.limit() < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (bytes.get(i) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static GpuxException notAnOnnxModel(Path file, String detail, Throwable cause) {
    return new GpuxException(
        ErrorCategory.INVALID_INPUT,
        "Model file " + file + " is not an ONNX model: " + detail,
        NOT_ONNX_HINT,
        cause);
  }
}
