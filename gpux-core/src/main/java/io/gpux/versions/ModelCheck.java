package io.gpux.versions;

/**
 * One line of {@code gpux outdated}: a local name (or, for a model pulled by exact versions only,
 * its newest version) against its registry.
 *
 * @param ref how a user writes the local name ({@code hf:org/m@main}), or the exact reference
 * @param localName the movable name ({@code main}), or null for an exact version
 * @param local the stored exact version
 * @param remote the exact version the registry's name points to now, or null when not asked
 * @param changes what an update would change (empty when current, not asked or unreachable)
 * @param error why the registry could not be asked, for {@link Status#UNREACHABLE}; else null
 */
public record ModelCheck(
    String ref,
    String registry,
    String model,
    String localName,
    String local,
    String remote,
    Status status,
    Changes changes,
    String error) {

  /** The same local name after an update was tried: the remote version, status and error. */
  ModelCheck after(String remote, Status status, String error) {
    return new ModelCheck(ref, registry, model, localName, local, remote, status, changes, error);
  }
}
