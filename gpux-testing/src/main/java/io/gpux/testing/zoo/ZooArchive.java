package io.gpux.testing.zoo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * A zoo {@code model_with_data} archive: a tar.gz with one top folder holding {@code model.onnx}
 * and {@code test_data_set_N/input_M.pb, output_M.pb} (TensorProto files, see {@link
 * io.gpux.testing.TensorProtos}), the layout the zoo's archives and ONNX's backend tests use.
 */
public final class ZooArchive {
  private final String folder;
  private final Map<String, byte[]> entries = new LinkedHashMap<>();

  public ZooArchive(String folder, byte[] model) {
    this.folder = folder;
    entries.put("model.onnx", model);
  }

  /** Adds {@code test_data_set_<set>/input_<i>.pb} (or output) with a serialized TensorProto. */
  public ZooArchive tensor(int set, String kind, int index, byte[] tensorProto) {
    entries.put("test_data_set_" + set + "/" + kind + "_" + index + ".pb", tensorProto);
    return this;
  }

  /** Adds any entry under the top folder. */
  public ZooArchive entry(String path, byte[] bytes) {
    entries.put(path, bytes);
    return this;
  }

  public byte[] toTarGz() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar =
        new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      java.util.Set<String> dirs = new java.util.LinkedHashSet<>();
      for (String path : entries.keySet()) {
        String full = folder + "/" + path;
        for (int i = full.indexOf('/'); i >= 0; i = full.indexOf('/', i + 1)) {
          String dir = full.substring(0, i + 1);
          if (dirs.add(dir)) {
            tar.putArchiveEntry(new TarArchiveEntry(dir));
            tar.closeArchiveEntry();
          }
        }
        TarArchiveEntry e = new TarArchiveEntry(full);
        byte[] b = entries.get(path);
        e.setSize(b.length);
        tar.putArchiveEntry(e);
        tar.write(b);
        tar.closeArchiveEntry();
      }
      tar.finish();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
