package dev.nm.route;

/** How much a call costs the host; a host's rate limiter keeps one budget per origin and tier. */
public enum RateTier {
  /** Introspection that costs nothing worth limiting ({@code hello}, {@code cancel}). */
  UNLIMITED,
  /** Cheap reads: metadata, status. */
  LIGHT,
  /** Ordinary work. */
  STANDARD,
  /** Inference, model loading, anything that holds the engine. */
  HEAVY
}
