package io.gpux.cli;

import io.gpux.Gpux;
import io.gpux.batch.ModelList;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options that name a batch's models ({@code -f FILE}, {@code --locked}, {@code
 * --skip-invalid}), shared by the {@code gpux batch} commands; the list itself is read by the
 * library ({@link io.gpux.Batch#list()}).
 */
final class ModelListOptions {
  @Option(
      names = {"-f", "--file"},
      paramLabel = "FILE",
      description =
          "A list of models: one reference per line, # comments, blank lines ignored; - reads"
              + " standard input (repeatable).")
  List<String> files = List.of();

  @Option(
      names = "--locked",
      paramLabel = "LOCKFILE",
      description = "Every model of a lockfile, at its exact locked version (gpux.lock).")
  List<String> lockfiles = List.of();

  @Option(
      names = "--collection",
      paramLabel = "NAME",
      description = "Every model of a collection (gpux collection), repeatable.")
  List<String> collections = List.of();

  @Option(
      names = "--skip-invalid",
      description =
          "Skip lines that are not model references (each is reported) instead of refusing the"
              + " list.")
  boolean skipInvalid;

  /**
   * The checked list: {@code references} (arguments; {@code -} is standard input), then the list
   * files, then the lockfiles.
   */
  ModelList read(Gpux gpux, List<String> references, GpuxCommand root) {
    ModelList.Builder list = gpux.batch().list();
    for (String r : references) {
      if (r.equals("-")) {
        stdin(list, root);
      } else {
        list.argument(r);
      }
    }
    for (String f : files) {
      if (f.equals("-")) {
        stdin(list, root);
      } else {
        list.file(f);
      }
    }
    lockfiles.forEach(list::locked);
    collections.forEach(c -> gpux.collections().addTo(list, c));
    ModelList built = list.build();
    ModelList checked = built.checked(skipInvalid);
    for (ModelList.Invalid bad : built.invalid()) {
      root.warn("skipped " + bad.message());
    }
    return checked;
  }

  private static void stdin(ModelList.Builder list, GpuxCommand root) {
    list.read("stdin", new InputStreamReader(root.in, StandardCharsets.UTF_8));
  }
}
