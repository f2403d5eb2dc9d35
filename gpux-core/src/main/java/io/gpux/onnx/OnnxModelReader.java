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
      try {
        return ModelProtoParser.parse(new ProtoReader(bytes));
      } catch (MalformedProtoException | RuntimeException e) {
        if (!(e instanceof GpuxException) && looksLikeText(bytes)) {
          throw new GpuxException(
              ErrorCategory.INVALID_INPUT,
              "Model file " + file + " is a text file, not an ONNX model",
              NOT_ONNX_HINT
                  + "; check that it is the .onnx file and not, say, a config or a README",
              e);
        }
        throw e;
      }
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

  /**
   * The parameter count and operators of {@code file}'s graph (see {@link OnnxGraphStats}), for
   * {@code gpux compare}; {@link #read} first gives the clear errors for a file that is no model.
   */
  public static OnnxGraphStats graphStats(Path file) {
    read(file);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return GraphStatsParser.parse(new ProtoReader(map(file, channel)));
    } catch (MalformedProtoException e) {
      throw notAnOnnxModel(file, e.getMessage(), e);
    } catch (IOException e) {
      throw new GpuxException(
          ErrorCategory.INVALID_INPUT,
          "Cannot read model file " + file + ": " + e,
          "Check that the file is readable by this user",
          e);
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

  /**
   * Whether the start of the file is text (UTF-8 without control characters other than tabs and
   * line breaks). An ONNX model can never pass: protobuf starts with a field tag such as 0x08.
   */
  static boolean looksLikeText(ByteBuffer bytes) {
    int n = Math.min(bytes.limit(), 4096);
    byte[] head = new byte[n];
    bytes.get(0, head);
    for (byte b : head) {
      int c = b & 0xff;
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') {
        return false;
      }
    }
    java.nio.charset.CharsetDecoder utf8 =
        java.nio.charset.StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
    try {
      utf8.decode(ByteBuffer.wrap(head, 0, n < bytes.limit() ? utf8End(head) : n));
      return true;
    } catch (java.nio.charset.CharacterCodingException e) {
      return false;
    }
  }

  /** Where the last whole UTF-8 character of a cut-off prefix ends. */
  private static int utf8End(byte[] head) {
    int end = head.length;
    int i = end - 1;
    while (i > 0 && end - i < 4 && (head[i] & 0xc0) == 0x80) {
      i--;
    }
    return (head[i] & 0x80) != 0 ? i : end;
  }

  private static GpuxException notAnOnnxModel(Path file, String detail, Throwable cause) {
    return new GpuxException(
        ErrorCategory.INVALID_INPUT,
        "Model file " + file + " is not an ONNX model: " + detail,
        NOT_ONNX_HINT,
        cause);
  }
}
