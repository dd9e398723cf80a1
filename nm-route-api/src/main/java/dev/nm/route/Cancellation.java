package dev.nm.route;

/** The cancellation state of one call. Thread-safe. */
public interface Cancellation {
  boolean isCancelled();

  /** @throws RouteException {@code CANCELLED} if the call was cancelled */
  default void throwIfCancelled() {
    if (isCancelled()) {
      throw RouteException.cancelled();
    }
  }

  /**
   * Runs {@code action} once when the call is cancelled, at once if it already was. Use it to stop an engine
   * that does not poll {@link #isCancelled()}.
   */
  void onCancel(Runnable action);
}
