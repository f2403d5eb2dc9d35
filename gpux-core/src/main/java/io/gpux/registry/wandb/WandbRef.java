package io.gpux.registry.wandb;

import io.gpux.error.GpuxException;
import io.gpux.ref.ModelRef;

/**
 * A W&amp;B artifact reference: {@code wandb:<entity>/<project>/<artifact>[:<alias|vN>]}, or {@code
 * wandb:<project>/<artifact>} with the entity from {@code WANDB_ENTITY}. Registry forms are the
 * same shape: {@code wandb:<org>/wandb-registry-<name>/<collection>:<alias>}, and the legacy {@code
 * wandb:<entity>/model-registry/<collection>:<alias>}. The alias defaults to {@code latest}.
 */
record WandbRef(String entity, String project, String collection, String alias) {
  static final String REGISTRY_PREFIX = "wandb-registry-";

  static WandbRef of(ModelRef ref, String defaultEntity) {
    String[] parts = ref.name().split("/");
    String alias = ref.tag() != null ? ref.tag() : ref.version() != null ? ref.version() : "latest";
    if (parts.length == 3) {
      return new WandbRef(parts[0], parts[1], parts[2], alias);
    }
    if (parts.length == 2 && defaultEntity != null) {
      return new WandbRef(defaultEntity, parts[0], parts[1], alias);
    }
    throw GpuxException.invalidInput(
        "wandb:" + ref.name() + " is not <entity>/<project>/<artifact>",
        parts.length == 2
            ? "name the entity (wandb:<entity>/" + ref.name() + ") or set WANDB_ENTITY"
            : "write it as wandb:<entity>/<project>/<artifact>:<alias>, e.g."
                + " wandb:acme/mnist/classifier:production");
  }

  /** A collection of an organization's registry (entity is then the organization). */
  boolean inRegistry() {
    return project.startsWith(REGISTRY_PREFIX);
  }

  /** What the user wrote, canonical: {@code entity/project/artifact:alias}. */
  String display() {
    return "wandb:" + entity + "/" + project + "/" + collection + ":" + alias;
  }

  WandbRef withEntity(String e) {
    return new WandbRef(e, project, collection, alias);
  }
}
