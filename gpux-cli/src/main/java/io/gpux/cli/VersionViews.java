package io.gpux.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gpux.units.ByteSizes;
import io.gpux.versions.Changes;
import io.gpux.versions.ModelCheck;
import java.util.ArrayList;
import java.util.List;

/** How outdated, update, pin, rollback and history show versions and changes. */
final class VersionViews {
  private VersionViews() {}

  /** A commit sha shortened as git shows it; MLflow and W&amp;B versions whole. */
  static String version(String v) {
    if (v == null) {
      return "";
    }
    return v.matches("[0-9a-f]{40}.*") ? v.substring(0, 12) + v.substring(40) : v;
  }

  /** {@code changed README.md; added b.bin; +1.2 KB}. */
  static String changes(Changes c) {
    List<String> parts = new ArrayList<>();
    if (!c.changed().isEmpty()) {
      parts.add("changed " + String.join(", ", c.changed()));
    }
    if (!c.added().isEmpty()) {
      parts.add("added " + String.join(", ", c.added()));
    }
    if (!c.removed().isEmpty()) {
      parts.add("removed " + String.join(", ", c.removed()));
    }
    if (!c.unknown().isEmpty()) {
      parts.add("same size, no digest: " + String.join(", ", c.unknown()));
    }
    if (c.bytesDelta() != 0) {
      parts.add((c.bytesDelta() > 0 ? "+" : "-") + ByteSizes.human(Math.abs(c.bytesDelta())));
    }
    return String.join("; ", parts);
  }

  /** The interface: ref, registry, name, local, remote, status, changes. */
  static ObjectNode check(ObjectNode o, ModelCheck c) {
    o.put("ref", c.ref());
    o.put("registry", c.registry());
    o.put("model", c.model());
    if (c.localName() == null) {
      o.putNull("name");
    } else {
      o.put("name", c.localName());
    }
    o.put("local", c.local());
    if (c.remote() == null) {
      o.putNull("remote");
    } else {
      o.put("remote", c.remote());
    }
    o.put("status", c.status().label());
    ObjectNode ch = o.putObject("changes");
    c.changes().added().forEach(ch.putArray("added")::add);
    c.changes().removed().forEach(ch.putArray("removed")::add);
    c.changes().changed().forEach(ch.putArray("changed")::add);
    ch.withArray("added");
    ch.withArray("removed");
    ch.withArray("changed");
    if (!c.changes().unknown().isEmpty()) {
      c.changes().unknown().forEach(ch.putArray("unknown")::add);
    }
    ch.put("bytes_delta", c.changes().bytesDelta());
    if (c.status() == io.gpux.versions.Status.OUTDATED) {
      Boolean signature = c.changes().signatureChanged();
      if (signature == null) {
        ch.putNull("signature_changed");
      } else {
        ch.put("signature_changed", signature);
      }
    }
    if (c.error() != null) {
      o.put("error", c.error());
    }
    return o;
  }
}
