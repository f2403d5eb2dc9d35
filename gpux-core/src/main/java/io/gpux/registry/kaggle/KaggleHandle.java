package io.gpux.registry.kaggle;

import io.gpux.ref.ReferenceSyntax;

/**
 * A Kaggle model variation, as kagglehub's handles name it: {@code
 * owner/model/framework/variation[/version]}; no version means the latest.
 *
 * @param version the version number (at least 1), or 0 for the latest
 */
record KaggleHandle(
    String owner, String model, Framework framework, String variation, int version) {

  /** The stored name: the framework in its canonical handle form, so any spelling is one model. */
  String name() {
    return owner + "/" + model + "/" + framework.handle() + "/" + variation;
  }

  KaggleHandle withVersion(int v) {
    return new KaggleHandle(owner, model, framework, variation, v);
  }

  /** {@code owner/model/framework/variation[/version]}. */
  String display() {
    return name() + (version > 0 ? "/" + version : "");
  }

  /** The page on Kaggle: {@code https://www.kaggle.com/models/...}. */
  String webUrl(String web) {
    return web + "/models/" + display();
  }

  /**
   * Parses {@code owner/model/framework/variation[/version]}.
   *
   * @param text the whole reference, for messages
   */
  static KaggleHandle parse(String handle, String text) {
    String[] p = handle.split("/", -1);
    if (p.length != 4 && p.length != 5) {
      throw invalid(
          text,
          "is not a Kaggle model handle",
          "write kaggle:OWNER/MODEL/FRAMEWORK/VARIATION[/VERSION], e.g."
              + " kaggle:google/mobilenet-v2/onnx/100-224/2");
    }
    ReferenceSyntax.checkName(text, String.join("/", p));
    Framework f = Framework.parse(p[2]);
    if (f == null) {
      throw invalid(
          text,
          "names no Kaggle framework '" + p[2] + "'",
          "the third part is the framework, one of " + Framework.known());
    }
    int version = 0;
    if (p.length == 5) {
      version = version(p[4], text);
    }
    return new KaggleHandle(p[0], p[1], f, p[3], version);
  }

  /** A malformed reference: what is wrong, and the form Kaggle's handles take. */
  static io.gpux.error.GpuxException invalid(String text, String why, String hint) {
    return io.gpux.error.GpuxException.invalidInput(
        "invalid model reference '" + text + "': it " + why, hint);
  }

  static int version(String v, String text) {
    try {
      int n = Integer.parseInt(v);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(
        text,
        "has an invalid version '" + v + "'",
        "a Kaggle version is a whole number from 1 (gpux versions lists them)");
  }
}
