package io.gpux;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The core is a library: it never reaches for the CLI, the server, or a terminal; registry plug-ins
 * stand on the registry SPI alone and never on each other.
 */
class ArchitectureTest {
  private static final JavaClasses CORE =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .withImportOption(location -> !location.contains("gpux-testing"))
          .importPackages("io.gpux");

  @Test
  void coreDoesNotDependOnCliOrServerCode() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "picocli..", "io.gpux.cli..", "io.gpux.server..", "io.javalin..", "io.undertow..")
        .check(CORE);
  }

  @Test
  void coreNeverPrintsToTheTerminal() {
    noClasses()
        .should()
        .accessField(System.class, "out")
        .orShould()
        .accessField(System.class, "err")
        .because("the library reports through return values, exceptions and events; the CLI prints")
        .check(CORE);
  }

  @Test
  void onnxFileParsingDoesNotNeedTheRuntime() {
    noClasses()
        .that()
        .resideInAPackage("io.gpux.onnx..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("ai.onnxruntime..", "io.gpux.runtime..")
        .because("inspect reads model files without loading ONNX Runtime")
        .check(CORE);
  }

  @Test
  void registryPluginsNeverDependOnEachOther() {
    slices()
        .matching("io.gpux.registry.(*)..")
        .should()
        .notDependOnEachOther()
        .because("a registry is one package plus its META-INF/services line")
        .check(CORE);
  }

  @Test
  void registryPluginsStandOnTheSpiTransferRefProjectAndConfigOnly() {
    noClasses()
        .that()
        .resideInAPackage("io.gpux.registry.*..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "io.gpux.pull..",
            "io.gpux.runtime..",
            "io.gpux.inference..",
            "io.gpux.build..",
            "io.gpux.inspect..",
            "io.gpux.benchmark..",
            "io.gpux.tensor..",
            "io.gpux.tokenize..")
        .orShould()
        .dependOnClassesThat(
            com.tngtech.archunit.base.DescribedPredicate.describe(
                "the store (other than its path rules) or the library's facade",
                c ->
                    (c.getPackageName().startsWith("io.gpux.store")
                            && !c.getName().equals("io.gpux.store.ModelStore"))
                        || (c.getPackageName().equals("io.gpux")
                            && !c.getSimpleName().startsWith("Gpux")
                            && !c.getSimpleName().equals("ErrorCategory"))
                        || c.getName().equals("io.gpux.Gpux")))
        .because(
            "plug-ins resolve and fetch; storing, running and the facade are the library's"
                + " (MlflowPusher checks upload paths with ModelStore.checkFilePath, the rules a"
                + " pull back will apply)")
        .check(CORE);
  }

  @Test
  void packagesHaveNoCycles() {
    slices()
        .assignedFrom(
            new com.tngtech.archunit.library.dependencies.SliceAssignment() {
              @Override
              public com.tngtech.archunit.library.dependencies.SliceIdentifier getIdentifierOf(
                  com.tngtech.archunit.core.domain.JavaClass c) {
                return c.getPackageName().startsWith("io.gpux")
                    ? com.tngtech.archunit.library.dependencies.SliceIdentifier.of(
                        c.getPackageName())
                    : com.tngtech.archunit.library.dependencies.SliceIdentifier.ignore();
              }

              @Override
              public String getDescription() {
                return "each package of io.gpux";
              }
            })
        .should()
        .beFreeOfCycles()
        .because("every package shows one concept and depends only on what is below it")
        .check(CORE);
  }
}
