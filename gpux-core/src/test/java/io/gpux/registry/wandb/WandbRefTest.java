package io.gpux.registry.wandb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.error.GpuxException;
import io.gpux.ref.ModelRef;
import org.junit.jupiter.api.Test;

class WandbRefTest {
  private static WandbRef parse(String text, String entity) {
    ModelRef ref = io.gpux.registry.Registries.installedParser().parse(text);
    assertEquals("wandb", ref.registry());
    return WandbRef.of(ref, entity);
  }

  @Test
  void projectRegistryAndLegacyForms() {
    assertEquals(
        new WandbRef("acme", "mnist", "adder", "production"),
        parse("wandb:acme/mnist/adder:production", null));
    assertEquals(
        new WandbRef("acme", "mnist", "adder", "v3"), parse("wandb:acme/mnist/adder:v3", null));
    assertEquals(
        new WandbRef("acme", "mnist", "adder", "latest"), parse("wandb:acme/mnist/adder", null));
    WandbRef reg = parse("wandb:acme-org/wandb-registry-model/adder:staging", null);
    assertTrue(reg.inRegistry());
    assertEquals("wandb-registry-model", reg.project());
    assertEquals("model-registry", parse("wandb:acme/model-registry/adder:best", null).project());
  }

  @Test
  void theEntityComesFromWandbEntityWhenLeftOut() {
    assertEquals(
        new WandbRef("team", "mnist", "adder", "latest"), parse("wandb:mnist/adder", "team"));
    GpuxException e = assertThrows(GpuxException.class, () -> parse("wandb:mnist/adder", null));
    assertTrue(e.hint().contains("WANDB_ENTITY"), e.hint());
    assertThrows(GpuxException.class, () -> parse("wandb:adder", null));
  }
}
