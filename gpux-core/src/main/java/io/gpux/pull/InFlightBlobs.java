package io.gpux.pull;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The files that pulls running side by side are fetching, by sha256, so that a file two models
 * share is downloaded once: the first pull to claim a digest fetches it, a later one waits for that
 * pull to end and then finds the blob in the store (or, if that pull failed, fetches it itself).
 *
 * <p>Why it cannot deadlock: a pull claims all its digests in one step, and waits only on pulls
 * that claimed before it; those never wait on a later one, so the waits form no cycle. A pull
 * downloads its own files before it waits, so the wait costs little.
 */
public final class InFlightBlobs {
  private final Map<String, Claim> claims = new HashMap<>();

  private record Claim(Object owner, CompletableFuture<Void> released) {}

  /**
   * Claims for {@code owner} each digest no other pull holds; returns the others, each with a
   * future that completes when the pull holding it ends.
   */
  synchronized Map<String, CompletableFuture<Void>> claim(Object owner, Collection<String> sha256) {
    Map<String, CompletableFuture<Void>> elsewhere = new LinkedHashMap<>();
    for (String d : sha256) {
      Claim c = claims.get(d);
      if (c == null) {
        claims.put(d, new Claim(owner, new CompletableFuture<>()));
      } else if (c.owner() != owner) {
        elsewhere.put(d, c.released());
      }
    }
    return elsewhere;
  }

  /** Ends {@code owner}'s claims (its pull is over: committed, or failed). */
  void release(Object owner) {
    List<Claim> ended;
    synchronized (this) {
      ended = claims.values().stream().filter(c -> c.owner() == owner).toList();
      claims.values().removeIf(c -> c.owner() == owner);
    }
    ended.forEach(c -> c.released().complete(null));
  }
}
