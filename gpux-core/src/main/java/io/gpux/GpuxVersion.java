package io.gpux;

/** The version of this build, read from the jar manifest (Maven writes it). */
final class GpuxVersion {
  static final String VALUE = read();

  private GpuxVersion() {}

  private static String read() {
    String v = GpuxVersion.class.getPackage().getImplementationVersion();
    return v == null ? "0.1.0-dev" : v;
  }
}
