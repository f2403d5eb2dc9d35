package io.gpux.registry.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import io.gpux.ref.ModelRef;
import io.gpux.registry.Registries;
import org.junit.jupiter.api.Test;

class ZooReferencesTest {
  private static ModelRef parse(String text) {
    return Registries.installedParser().parse(text);
  }

  @Test
  void namesAreKeyedCaseFreeAndFolderSafe() {
    assertEquals(new ModelRef("zoo", "mnist", null, null), parse("zoo:MNIST"));
    assertEquals(new ModelRef("zoo", "mnist", "8", null), parse("zoo:mnist@8"));
    // References hold no spaces (a rule of every grammar): names with spaces and parentheses are
    // written in their key form, which is what search lists.
    assertEquals("emotion-ferplus", ZooReferences.key("Emotion FERPlus"));
    assertEquals(
        "retinanet-resnet101-backbone", ZooReferences.key("RetinaNet (ResNet101 backbone)"));
    assertEquals("mobilenet-v2-1.0-int8", parse("zoo:MobileNet-v2-1.0-int8").name());
    assertEquals(
        "retinanet-resnet101-backbone", parse("zoo:RetinaNet-(ResNet101-backbone)@12").name());
    assertEquals("12-5c688690f8ba", parse("zoo:MNIST-12@12-5C688690F8BA").version());
    assertNull(parse("zoo:mnist").tag());
  }

  @Test
  void everyCatalogueNameHasItsOwnKey() {
    ZooCatalogue c = ZooSource.shipped();
    assertEquals(184, c.entries().size());
    assertEquals(116, c.entries().stream().map(ZooEntry::key).distinct().count());
    assertEquals(
        116, c.entries().stream().map(ZooEntry::model).distinct().count(), "no two names collide");
    for (ZooEntry e : c.entries()) {
      assertEquals(e.key(), parse("zoo:" + e.key()).name(), e.model());
      if (!e.model().contains(" ")) {
        assertEquals(e.key(), parse("zoo:" + e.model()).name(), e.model());
      }
    }
  }

  @Test
  void aVersionThatIsNotAnOpsetIsRefusedWithTheForm() {
    GpuxException e = assertThrows(GpuxException.class, () -> parse("zoo:mnist@latest-ish"));
    assertEquals(ErrorCategory.INVALID_INPUT, e.category());
    assertTrue(e.hint().contains("zoo:NAME@OPSET"), e.hint());
    assertThrows(GpuxException.class, () -> parse("zoo:@8"));
    assertEquals("..-etc", parse("zoo:../etc@8").name(), "no '/' survives: a safe folder name");
  }

  @Test
  void theShippedCatalogueFindsAsOnnxHubDoes() {
    ZooCatalogue c = ZooSource.shipped();
    assertEquals("569ccd009a5cdc885bac88a1ceaf72e69e69262f0e1c9d16ef5a7339021a2904", c.sha256());
    ZooEntry mnist = c.find("mnist", null);
    assertEquals(8, mnist.opset(), "the highest opset of MNIST (1, 7, 8)");
    assertEquals(7, c.find("mnist", "7").opset());
    ZooEntry m12 = c.find("mnist-12", null);
    assertEquals("5c688690f8bacf667d4c2074af5ad0646ca328d7ab03eccf944a65b320171bdd", m12.sha256());
    assertEquals(26143, m12.bytes());
    assertEquals("12-5c688690f8ba", m12.version());

    GpuxException missingOpset = assertThrows(GpuxException.class, () -> c.find("mnist", "12"));
    assertEquals(ErrorCategory.NOT_FOUND, missingOpset.category());
    assertTrue(missingOpset.hint().contains("8, 7, 1"), missingOpset.hint());

    GpuxException typo = assertThrows(GpuxException.class, () -> c.find("mnsit", null));
    assertTrue(typo.hint().contains("zoo:mnist"), typo.hint());
    GpuxException close = assertThrows(GpuxException.class, () -> c.find("resnet51", null));
    assertTrue(close.hint().contains("zoo:resnet50"), close.hint());

    GpuxException moved =
        assertThrows(GpuxException.class, () -> c.find("mnist-12", "12-000000000000"));
    assertTrue(moved.getMessage().contains("changed upstream"), moved.getMessage());
  }
}
