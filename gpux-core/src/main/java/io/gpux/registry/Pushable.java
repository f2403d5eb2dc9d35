package io.gpux.registry;

/** A registry capability: uploading a model folder as a new version, for {@code gpux push}. */
public interface Pushable {
  PushResult push(PushRequest request);
}
