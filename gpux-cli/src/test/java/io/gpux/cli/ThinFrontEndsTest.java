package io.gpux.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The CLI and the server are thin: they parse, call the library's services ({@code Gpux}, {@code
 * Models}, {@code Storage}, {@code Accounts}) and render; they never reach the store, the registry
 * plug-ins or the transfer engine behind them.
 */
class ThinFrontEndsTest {
  private static final JavaClasses FRONT_ENDS =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.gpux.cli", "io.gpux.server");

  @Test
  void frontEndsGoThroughTheLibrarysServices() {
    noClasses()
        .that()
        .doNotHaveSimpleName("CdsTraining") // exercises the HTTP stack to record a CDS archive
        .should()
        .dependOnClassesThat()
        .haveFullyQualifiedName("io.gpux.store.ModelStore")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("io.gpux.registry.Registries")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("io.gpux.registry.Registry")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("io.gpux.registry.Credentials")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("io.gpux.ref.ModelRefParser")
        .orShould()
        .dependOnClassesThat(
            com.tngtech.archunit.base.DescribedPredicate.describe(
                "the transfer layer (other than its progress events)",
                c ->
                    c.getPackageName().startsWith("io.gpux.transfer")
                        && !c.getName().startsWith("io.gpux.transfer.TransferListener")))
        .because("domain logic a Java user needs lives in the library, not in a command")
        .check(FRONT_ENDS);
  }
}
