package io.gpux.registry.mlflow;

import io.gpux.ref.ModelRef;

/**
 * What a reference asks the registry for, read the way MLflow reads {@code models:/} URIs: a number
 * is a version, {@code latest} the highest version of any stage, another word a stage (the highest
 * version in it), {@code @x} an alias, {@code m-<hex>} alone a logged model (MLflow 3), and {@code
 * runs/<run>/<path>} a model logged in a run. A bare name means {@code latest}.
 *
 * @param name the registered model's name, the logged model's id, or the run id
 * @param qualifier the version, stage or alias; the path inside a run
 */
record MlflowTarget(Kind kind, String name, String qualifier) {
  enum Kind {
    VERSION,
    ALIAS,
    STAGE,
    LATEST,
    LOGGED_MODEL,
    RUN
  }

  static MlflowTarget of(ModelRef ref) {
    String name = ref.name();
    if (name.startsWith("runs/")) {
      String rest = name.substring("runs/".length());
      int slash = rest.indexOf('/');
      return new MlflowTarget(Kind.RUN, rest.substring(0, slash), rest.substring(slash + 1));
    }
    if (ref.version() != null) {
      return new MlflowTarget(Kind.ALIAS, name, ref.version());
    }
    String q = ref.tag();
    if (q == null) {
      return name.matches("m-[0-9a-f]{32}")
          ? new MlflowTarget(Kind.LOGGED_MODEL, name, null)
          : new MlflowTarget(Kind.LATEST, name, "latest");
    }
    if (q.equalsIgnoreCase("latest")) {
      return new MlflowTarget(Kind.LATEST, name, "latest");
    }
    return q.matches("[0-9]+")
        ? new MlflowTarget(Kind.VERSION, name, q)
        : new MlflowTarget(Kind.STAGE, name, q);
  }

  /** What the user asked for, recorded next to the exact version (and tagged in the store). */
  String requested() {
    return qualifier;
  }

  /** How a user writes it, for messages. */
  String display() {
    return switch (kind) {
      case ALIAS -> "mlflow:" + name + "@" + qualifier;
      case LOGGED_MODEL -> "models:/" + name;
      case RUN -> "runs:/" + name + "/" + qualifier;
      default -> "mlflow:" + name + "/" + qualifier;
    };
  }
}
