package io.gpux.server;

/**
 * Loads and frees models for the model-repository extension's explicit model control ({@code POST
 * /v2/repository/models/NAME/load|unload}, Triton's {@code --model-control-mode=explicit}). Without
 * one, the server keeps the models it started with.
 */
public interface ModelLoader {
  /** Loads what a load request names: a project folder, a gpux.yml, a stored model reference. */
  ServedModel load(String reference);

  /** Frees a model; called once no request uses it any more. */
  void unload(ServedModel model);
}
