package io.gpux.ref;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.error.GpuxException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ModelRefParserTest {
  private final ModelRefParser parser = io.gpux.registry.Registries.installedParser();

  @ParameterizedTest
  @CsvSource(
      nullValues = "-",
      value = {
        "hf:distilbert/distilbert-base-uncased@abc123, hf, distilbert/distilbert-base-uncased, abc123, -",
        "huggingface:org/m, hf, org/m, -, -",
        "hf:org/m@refs/pr/1, hf, org/m, refs/pr/1, -",
        "mlflow:fraud-detector@champion, mlflow, fraud-detector, champion, -",
        "mlflow:fraud-detector/3, mlflow, fraud-detector, -, 3",
        "mlflow:fraud-detector:3, mlflow, fraud-detector, -, 3",
        "mlflow:fraud-detector/Production, mlflow, fraud-detector, -, Production",
        "mlflow:fraud-detector/latest, mlflow, fraud-detector, -, latest",
        "mlflow:fraud-detector, mlflow, fraud-detector, -, -",
        "models:/fraud-detector/3, mlflow, fraud-detector, -, 3",
        "models:/fraud-detector@champion, mlflow, fraud-detector, champion, -",
        "models:/fraud-detector/Production, mlflow, fraud-detector, -, Production",
        "models:/m-0123456789abcdef0123456789abcdef, mlflow, m-0123456789abcdef0123456789abcdef, -, -",
        "runs:/0a1b2c/model, mlflow, runs/0a1b2c/model, -, -",
        "runs:/0a1b2c/sub/model, mlflow, runs/0a1b2c/sub/model, -, -",
        "wandb:team/proj/model:v3, wandb, team/proj/model, -, v3",
        "bert:latest, -, bert, -, latest",
        "org/model, -, org/model, -, -",
      })
  void parsesEveryRegistrysShape(
      String text, String registry, String name, String version, String tag) {
    ModelRef ref = parser.parse(text);
    assertEquals(registry, ref.registry(), text);
    assertEquals(name, ref.name(), text);
    assertEquals(version, ref.version(), text);
    assertEquals(tag, ref.tag(), text);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "hf:../etc/passwd",
        "hf:org/../x",
        "hf:/abs/path",
        "hf:org//m",
        "hf:org/m/",
        "hf:./m",
        "hf:org\\m",
        "hf:org/m\u0000",
        "hf:org/m\n",
        "hf:",
        "",
        " ",
        "hf:org/m@",
        "hf:org/m:bad tag",
        "hf:org/m$x",
        "models:/m@",
        "models:/m/3@champion",
        "runs:/onlyarun",
        "mlflow:m/3 x"
      })
  void rejectsUnsafeOrMalformedReferences(String text) {
    GpuxException e = assertThrows(GpuxException.class, () -> parser.parse(text));
    assertTrue(e.problem().startsWith("invalid model reference"), e.problem());
    assertTrue(e.hint().contains("hf:org/model@main"), e.hint());
  }

  @ParameterizedTest
  @ValueSource(strings = {"planned:some/model:v1"})
  void registriesNotInThisBuildAreNamedNotReadAsLocalNames(String text) {
    ModelRefParser withPlanned =
        new ModelRefParser(
            List.of(
                new ModelRefParser.Prefix("hf", "hf", ReferenceGrammar.DEFAULT),
                new ModelRefParser.Prefix("mlflow", "mlflow", ReferenceGrammar.DEFAULT)),
            java.util.Map.of("planned", "Planned registry"));
    GpuxException e = assertThrows(GpuxException.class, () -> withPlanned.parse(text));
    assertTrue(e.problem().contains("does not include yet"), e.problem());
    assertTrue(e.hint().contains("hf") && e.hint().contains("mlflow"), e.hint());
  }

  @Test
  void eachRegistryWritesItsExactVersionInItsOwnGrammar() {
    var registries =
        new io.gpux.registry.Registries(
            new io.gpux.registry.RegistryContext(null, null, java.util.Map.of()));
    assertEquals("hf:org/m@abc", registries.exactReference("hf", "org/m", "abc"));
    assertEquals("mlflow:clf/3", registries.exactReference("mlflow", "clf", "3"));
    assertEquals("wandb:e/p/a:v2", registries.exactReference("wandb", "e/p/a", "v2"));
    String digest = "sha256:" + "ab".repeat(32);
    assertEquals(
        "oci://h:5000/t/m@" + digest, registries.exactReference("oci", "h:5000/t/m", digest));
    for (String exact : new String[] {"hf:org/m@abc", "mlflow:clf/3", "wandb:e/p/a:v2"}) {
      ModelRef ref = parser.parse(exact);
      assertEquals(exact.substring(0, exact.indexOf(':')), ref.registry(), exact);
    }
  }

  @Test
  void canonicalTextRoundTrips() {
    Random random = new Random(1);
    // MLflow names are one segment (the last '/' starts a version): see mlflowRoundTrips.
    String[] registries = {null, "hf", "wandb"};
    for (int i = 0; i < 2000; i++) {
      String registry = registries[random.nextInt(registries.length)];
      StringBuilder name = new StringBuilder(segment(random));
      for (int s = random.nextInt(3); s > 0; s--) {
        name.append('/').append(segment(random));
      }
      String version =
          random.nextBoolean()
              ? null
              : segment(random) + (random.nextBoolean() ? "/" + segment(random) : "");
      String tag = random.nextInt(3) == 0 ? segment(random) : null;
      ModelRef ref = new ModelRef(registry, name.toString(), version, tag);
      assertEquals(ref, parser.parse(ref.toString()), ref.toString());
    }
  }

  @Test
  void mlflowCanonicalTextRoundTrips() {
    for (String text :
        new String[] {
          "mlflow:clf",
          "mlflow:clf/3",
          "mlflow:clf@champion",
          "models:/clf/Staging",
          "runs:/r1/model"
        }) {
      ModelRef ref = parser.parse(text);
      assertEquals(ref, parser.parse(ref.toString()), text + " -> " + ref);
    }
  }

  @Test
  void randomTextEitherFailsCleanlyOrIsPathSafe() {
    Random random = new Random(2);
    String alphabet = "ab/.:@-_\\\u0000 %~hf";
    for (int i = 0; i < 20000; i++) {
      StringBuilder sb = new StringBuilder();
      for (int n = random.nextInt(14); n > 0; n--) {
        sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      ModelRef ref;
      try {
        ref = parser.parse(sb.toString());
      } catch (GpuxException e) {
        continue;
      }
      String name = ref.name();
      assertFalse(name.startsWith("/"), name);
      assertFalse(name.contains("\\") || name.contains("\u0000") || name.contains(" "), name);
      for (String segment : name.split("/")) {
        assertFalse(
            segment.equals("..") || segment.equals(".") || segment.isEmpty(), sb + " -> " + name);
      }
    }
  }

  private static String segment(Random r) {
    String chars = "abcXYZ019._-";
    StringBuilder sb = new StringBuilder();
    do {
      sb.setLength(0);
      for (int n = 1 + r.nextInt(8); n > 0; n--) {
        sb.append(chars.charAt(r.nextInt(chars.length())));
      }
    } while (sb.toString().equals(".") || sb.toString().equals(".."));
    return sb.toString();
  }
}
