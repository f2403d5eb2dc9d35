package io.gpux.server;

import io.gpux.inference.InferenceModel;

/** A model as the server exposes it: its name and version in URLs, and the loaded model. */
public record ServedModel(String name, String version, InferenceModel model) {}
