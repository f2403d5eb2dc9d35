package io.gpux.registry;

import io.gpux.ref.ModelRef;
import java.util.List;

/** A registry capability: listing a model's versions, for {@code gpux versions}. */
public interface Versioned {
  /** The versions (and tags or aliases pointing at them) of a model, newest first. */
  List<RemoteVersion> versions(ModelRef ref);
}
