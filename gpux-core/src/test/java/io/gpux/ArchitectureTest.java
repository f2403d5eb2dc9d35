package io.gpux;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The core is a library: it never reaches for the CLI, the server, or a terminal. */
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
}
