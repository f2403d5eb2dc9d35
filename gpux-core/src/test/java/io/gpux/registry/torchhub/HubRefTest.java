package io.gpux.registry.torchhub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import io.gpux.ref.ModelRef;
import io.gpux.registry.Registries;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HubRefTest {
  private static ModelRef parse(String text) {
    return Registries.installedParser().parse(text);
  }

  @Test
  void aReferenceWithRefEntrypointAndArguments() {
    ModelRef r = parse("torchhub:pytorch/vision:v0.29.2/resnet18?weights=None&num_classes=10");
    assertEquals("torchhub", r.registry());
    assertEquals("pytorch/vision/resnet18?num_classes=10&weights=None", r.name());
    assertEquals("v0.29.2", r.tag());
    assertNull(r.version());
    HubRef h = HubRef.of(r);
    assertEquals("pytorch", h.owner());
    assertEquals("vision", h.repo());
    assertEquals("resnet18", h.entrypoint());
    assertEquals(Map.of("weights", "None", "num_classes", "10"), h.arguments());
  }

  @Test
  void noRefMeansTorchHubsDefaultAndAShaIsTheVersion() {
    ModelRef bare = parse("torchhub:me/hub/tiny_cnn");
    assertNull(bare.tag());
    assertNull(bare.version());
    String sha = "0123456789abcdef0123456789abcdef01234567";
    ModelRef exact = parse("torchhub:me/hub:" + sha + "/tiny_cnn");
    assertEquals(sha, exact.version());
    assertNull(exact.tag());
    ModelRef repoOnly = parse("torchhub:me/hub");
    assertEquals("me/hub", repoOnly.name());
    ModelRef branchWithSlash = parse("torchhub:me/hub:feature/x/tiny_cnn");
    assertEquals("feature/x", branchWithSlash.tag());
    assertEquals("me/hub/tiny_cnn", branchWithSlash.name());
  }

  @Test
  void theExactReferenceParsesBackToTheSameModel() {
    var registries = new Registries(new io.gpux.registry.RegistryContext(null, null, Map.of()));
    String sha = "0123456789abcdef0123456789abcdef01234567";
    String exact = registries.exactReference("torchhub", "me/hub/tiny_cnn?num_classes=3", sha);
    assertEquals("torchhub:me/hub:" + sha + "/tiny_cnn?num_classes=3", exact);
    ModelRef back = parse(exact);
    assertEquals("me/hub/tiny_cnn?num_classes=3", back.name());
    assertEquals(sha, back.version());
  }

  @Test
  void percentEncodedValuesAreDecoded() {
    HubRef h = HubRef.of(parse("torchhub:me/hub/m?label=a%26b%20c&x=1+2"));
    assertEquals("a&b c", h.arguments().get("label"));
    assertEquals("1+2", h.arguments().get("x"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "torchhub:onlyowner",
        "torchhub:a/b/c/d",
        "torchhub:a/b/not-an-identifier",
        "torchhub:a/b/m?=1",
        "torchhub:a/b/m?1x=1",
        "torchhub:a/b/m?k=1&k=2",
        "torchhub:a/b?k=1",
        "torchhub:a/b:../x/m",
        "torchhub:../b/m"
      })
  void malformedReferencesAreOneLineErrorsWithTheForm(String text) {
    GpuxException e = assertThrows(GpuxException.class, () -> parse(text));
    assertEquals(ErrorCategory.INVALID_INPUT, e.category());
    assertTrue(e.problem().startsWith("invalid model reference '" + text + "'"), e.problem());
    assertTrue(e.hint().contains("OWNER/REPO[:REF]/ENTRYPOINT"), e.hint());
  }
}
