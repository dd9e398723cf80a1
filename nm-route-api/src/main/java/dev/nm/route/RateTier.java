package dev.nm.route;

/** How much a call costs the host; a host's rate limiter keeps one budget per origin and tier. */
public enum RateTier {
  /**
   * Introspection that costs nothing worth limiting ({@code hello}, {@code routes}, {@code cancel}). A host
   * runs these routes on the connection's reader thread, in the order their requests arrive and ahead of
   * every request still waiting for a worker, so a {@code cancel} overtakes queued work. The contract that
   * comes with it: a route of this tier neither blocks (no I/O, no locks held by long work, no waiting for
   * other calls) nor computes much, since the connection reads nothing else while it runs.
   */
  UNLIMITED,
  /** Cheap reads: metadata, status. */
  LIGHT,
  /** Ordinary work. */
  STANDARD,
  /** Inference, model loading, anything that holds the engine. */
  HEAVY
}
