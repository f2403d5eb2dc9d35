package io.gpux.server;

import io.gpux.inference.InferenceModel;

/**
 * A model the server answers for.
 *
 * @param loadSeconds how long loading it took (session creation, provider setup), for /metrics
 */
public record ServedModel(String name, String version, InferenceModel model, double loadSeconds) {

  public ServedModel(String name, String version, InferenceModel model) {
    this(name, version, model, 0);
  }
}
