package io.gpux.convert;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What a conversion is doing, for a front end to show (the library prints nothing). Every method
 * has a no-op default, so adding an event breaks no listener; events come on the converting thread
 * and must return quickly.
 */
public interface ConvertListener {
  ConvertListener NONE = new ConvertListener() {};

  /** The environment is not installed yet: it is being created in {@code folder}. */
  default void installing(String environment, Path folder) {}

  /** One step of the install, e.g. {@code collecting tensorflow-cpu==2.21.0}. */
  default void installProgress(String environment, String step) {}

  default void installed(String environment, Path folder, Duration took) {}

  /** A step of the conversion itself: {@code loading}, {@code converting}, {@code checking}. */
  default void step(String step) {}
}
