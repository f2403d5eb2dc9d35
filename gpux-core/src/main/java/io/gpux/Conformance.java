package io.gpux;

import io.gpux.conformance.ConformanceRunner;
import io.gpux.conformance.FolderResult;
import io.gpux.conformance.TestDataFolders;
import io.gpux.conformance.Tolerance;
import io.gpux.error.GpuxException;
import io.gpux.ref.ModelRef;
import io.gpux.registry.PullOptions;
import io.gpux.runtime.RuntimeOptions;
import io.gpux.runtime.SessionFactory;
import io.gpux.store.VersionManifest;
import io.gpux.transfer.TransferListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code gpux test}: models against their expected outputs on this machine (see {@link
 * io.gpux.conformance}). A target is a local folder in ONNX's test-data layout (or a folder above
 * many), or a registry reference whose stored copy has test data: the ONNX Model Zoo's {@code
 * model_with_data} archive, pulled as the model's {@value #TEST_DATA} variant. Get it from {@link
 * Gpux#conformance()}.
 */
public final class Conformance {
  /** The variant under which a registry serves a model with its test data (the zoo's archive). */
  public static final String TEST_DATA = PullOptions.TEST_DATA;

  private final Resources resources;
  private final Models models;
  private final Supplier<SessionFactory> sessions;

  Conformance(Resources resources, Models models, Supplier<SessionFactory> sessions) {
    this.resources = resources;
    this.models = models;
    this.sessions = sessions;
  }

  /**
   * What to run and how.
   *
   * @param runtime the provider and threads to run on
   * @param withTestData fetch a registry model's test data when the store lacks it
   */
  public record Options(RuntimeOptions runtime, Tolerance tolerance, boolean withTestData) {}

  /**
   * Runs every test folder the targets name, in order; each folder's failure is in its result.
   *
   * @throws GpuxException for a target that names no test data (a folder without the layout, a
   *     reference whose test data is not in the store and {@code withTestData} is off)
   */
  public List<FolderResult> test(List<String> targets, Options options, TransferListener listener) {
    List<Path> folders = new ArrayList<>();
    for (String target : targets) {
      folders.addAll(TestDataFolders.find(folderOf(target, options, listener)));
    }
    ConformanceRunner runner =
        new ConformanceRunner(sessions.get(), options.runtime(), options.tolerance());
    List<FolderResult> out = new ArrayList<>();
    for (Path f : folders) {
      out.add(runner.run(f));
    }
    return out;
  }

  private Path folderOf(String target, Options options, TransferListener listener) {
    Path local = resources.workingDirectory.resolve(target);
    if (Files.isDirectory(local)) {
      return local;
    }
    ModelRef ref;
    try {
      ref = models.reference(target);
    } catch (GpuxException e) {
      throw notFolder(target);
    }
    if (ref.registry() == null) {
      throw notFolder(target);
    }
    VersionManifest stored = models.findStored(ref, TEST_DATA);
    if (stored == null && options.withTestData()) {
      stored =
          models
              .pull(target, new PullOptions(List.of(), List.of(), TEST_DATA, false), listener)
              .manifest();
    }
    if (stored == null) {
      throw GpuxException.notFound(
          target + " has no test data in the store",
          "run `gpux test " + target + " --with-test-data` to fetch the model with its test data");
    }
    return resources.store().materialize(stored);
  }

  private static GpuxException notFolder(String target) {
    return GpuxException.notFound(
        "no folder " + target,
        "give a folder holding model.onnx and test_data_set_*/, or a registry reference such as"
            + " zoo:mnist with --with-test-data");
  }
}
