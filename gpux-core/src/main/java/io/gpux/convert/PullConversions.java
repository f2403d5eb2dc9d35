package io.gpux.convert;

import io.gpux.error.GpuxException;
import io.gpux.registry.Conversion;
import io.gpux.registry.ModelConverter.Converted;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The pull's converter ({@link io.gpux.registry.ModelConverter}): a pulled model that is not ONNX
 * goes through {@link ModelConverter} (the same driver, environment and check as {@code gpux
 * convert}) and the pull stores the checked model.onnx and its record beside the original files.
 *
 * <p>It takes every framework {@code gpux convert} knows: PyTorch models (PyTorch Hub repositories,
 * pulled as GitHub zipballs), Transformers models (Hugging Face repositories pulled with {@code
 * --convert}) and TensorFlow, Keras and TFLite models (Kaggle Models variations).
 */
public final class PullConversions implements io.gpux.registry.ModelConverter {
  /** A zipball of a model repository is code and small weights: more than this is refused. */
  static final long MAX_UNZIPPED = 4L << 30;

  static final int MAX_ENTRIES = 100_000;

  private final ModelConverter converter;
  private final ConvertListener listener;

  public PullConversions(ModelConverter converter, ConvertListener listener) {
    this.converter = converter;
    this.listener = listener;
  }

  @Override
  public boolean converts(Conversion conversion) {
    return Framework.named(conversion.framework()) != null;
  }

  @Override
  public Converted convert(Conversion conversion, Map<String, Path> files, Path workDir) {
    Map<String, String> p = conversion.parameters();
    Path source;
    if (Framework.TRANSFORMERS.name().equals(conversion.framework())
        || !(p.containsKey(Conversion.PARAM_ZIP) || p.containsKey(Conversion.PARAM_SOURCE))) {
      // A folder of named files (a Transformers repository, a Kaggle SavedModel variation): the
      // framework finds its model in it as `gpux convert DIR` does.
      source = linkedFolder(files, workDir.resolve("source"));
    } else if (p.containsKey(Conversion.PARAM_ZIP)) {
      Path zip = files.get(p.get(Conversion.PARAM_ZIP));
      if (zip == null) {
        throw new IllegalStateException("the pull has no " + p.get(Conversion.PARAM_ZIP));
      }
      source = unzipSingleFolder(zip, workDir.resolve("source"), conversion.reference());
    } else {
      source = files.get(p.get(Conversion.PARAM_SOURCE));
    }
    String args = p.getOrDefault(Conversion.PARAM_ARGUMENTS, "");
    ConvertOptions options =
        ConvertOptions.defaults()
            .withFramework(conversion.framework())
            .withOutputDir(workDir.resolve("project"))
            .withEntrypoint(
                p.get(Conversion.PARAM_ENTRYPOINT),
                args.isEmpty() ? List.of() : List.of(args.split("\n")))
            .withTrust("true".equals(p.get(Conversion.PARAM_TRUSTED)))
            .withTask(p.get(Conversion.PARAM_TASK), p.get(Conversion.PARAM_DECLARED_TASK));
    io.gpux.convert.Conversion done;
    try {
      done = converter.convert(source, options, listener);
    } catch (GpuxException e) {
      throw new GpuxException(
          e.category(),
          conversion.reference() + ": " + e.problem(),
          e.hint(),
          e.getCause() == null ? e : e.getCause());
    }
    ConversionRecord record = done.record().withSource(conversion.reference());
    Path recordFile = done.project().resolve(ConversionRecord.FILE);
    try {
      Files.writeString(
          recordFile,
          io.gpux.json.Json.write(record.toJson(), true) + "\n",
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "cannot write " + recordFile + ": " + e.getMessage(), "check GPUX_HOME's disk");
    }
    Map<String, Path> made = new LinkedHashMap<>();
    made.put("model.onnx", done.modelFile());
    made.put(ConversionRecord.FILE, recordFile);
    return new Converted(made, record.toLineage());
  }

  /**
   * The pulled files under their own names in {@code dest} (links to the store's blobs, copies
   * where the file system has no links): the store keeps files by digest, and a Transformers model
   * is a folder of named files.
   */
  static Path linkedFolder(Map<String, Path> files, Path dest) {
    Path root = dest.toAbsolutePath().normalize();
    try {
      for (Map.Entry<String, Path> f : files.entrySet()) {
        Path link = root.resolve(f.getKey()).normalize();
        if (!link.startsWith(root)) {
          continue; // the store checked every path already; never outside the folder
        }
        Files.createDirectories(link.getParent());
        try {
          Files.createSymbolicLink(link, f.getValue().toAbsolutePath());
        } catch (UnsupportedOperationException | IOException noLinks) {
          Files.copy(f.getValue(), link);
        }
      }
      return root;
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "cannot lay out the downloaded files for conversion: " + e.getMessage(),
          "check GPUX_HOME's disk");
    }
  }

  /**
   * Unpacks a GitHub zipball ({@code owner-repo-sha/...}: one top-level folder) into {@code dest}
   * and returns that folder. Entries that would leave it, links and oversized archives are refused.
   */
  static Path unzipSingleFolder(Path zip, Path dest, String reference) {
    try (ZipFile z = new ZipFile(zip.toFile())) {
      Files.createDirectories(dest);
      Path root = dest.toAbsolutePath().normalize();
      List<String> tops = new ArrayList<>();
      long total = 0;
      int count = 0;
      Enumeration<? extends ZipEntry> entries = z.entries();
      while (entries.hasMoreElements()) {
        ZipEntry e = entries.nextElement();
        if (++count > MAX_ENTRIES) {
          throw refused(reference, "it has more than " + MAX_ENTRIES + " entries");
        }
        Path target = root.resolve(e.getName()).normalize();
        if (!target.startsWith(root) || e.getName().startsWith("/")) {
          throw refused(reference, "entry " + e.getName() + " would land outside its folder");
        }
        String top = e.getName().split("/", 2)[0];
        if (!tops.contains(top)) {
          tops.add(top);
        }
        if (e.isDirectory()) {
          Files.createDirectories(target);
          continue;
        }
        Files.createDirectories(target.getParent());
        try (InputStream in = z.getInputStream(e)) {
          long n = Files.copy(in, target);
          total += n;
          if (total > MAX_UNZIPPED) {
            throw refused(reference, "it unpacks to more than " + (MAX_UNZIPPED >> 30) + " GB");
          }
        }
      }
      if (tops.size() != 1 || !Files.isDirectory(root.resolve(tops.get(0)))) {
        throw refused(
            reference, "it has " + tops.size() + " top-level entries, not the one folder GitHub's");
      }
      return root.resolve(tops.get(0));
    } catch (IOException e) {
      throw GpuxException.unavailable(
          "cannot unpack the archive of " + reference + ": " + e.getMessage(),
          "pull it again with --force (a download cut short), or check the disk");
    }
  }

  private static GpuxException refused(String reference, String why) {
    return GpuxException.invalidInput(
        "the archive of " + reference + " is refused: " + why,
        "check that the server is GitHub or a faithful mirror (GPUX_GITHUB_URL)");
  }
}
