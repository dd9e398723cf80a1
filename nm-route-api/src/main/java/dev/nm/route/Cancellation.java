package dev.nm.route;

/**
 * The cancellation state of one call. Thread-safe.
 *
 * <p>A call is cancelled when its caller sends {@code cancel} naming it, when the caller's connection closes,
 * or when the host shuts down. The call is then over at once: a {@code cancel} request answers it with
 * {@code CANCELLED} right away, a closed connection needs no answer, and whatever the handler returns or throws
 * later is dropped. Cancelling never interrupts the handler's thread: a handler that never looks keeps
 * running to its end, holding a worker thread of the host's pool meanwhile. A handler learns of the
 * cancellation in one of these ways:
 *
 * <ul>
 *   <li>by checking {@link #isCancelled()}, or calling {@link #throwIfCancelled()}, between units of work (each
 *       item of a batch, each chunk, each generated token), and stopping there;
 *   <li>through {@link #onCancel(Runnable)}, to stop work that does not return to the handler in between: an
 *       engine's own loop, a blocking call that can be aborted from another thread;
 *   <li>in a streaming route, from {@link EventSink#emit}, which throws {@code CANCELLED} once the call is
 *       cancelled.
 * </ul>
 *
 * <pre>{@code
 * for (Document doc : request.documents()) {
 *   context.cancellation().throwIfCancelled();
 *   results.add(count(doc));
 * }
 * }</pre>
 */
public interface Cancellation {
  /** Whether the call was cancelled. Cheap: check it between units of work. */
  boolean isCancelled();

  /** @throws RouteException {@code CANCELLED} if the call was cancelled */
  default void throwIfCancelled() {
    if (isCancelled()) {
      throw RouteException.cancelled();
    }
  }

  /**
   * Runs {@code action} once when the call is cancelled, at once (on the calling thread) if it already was. Use
   * it to stop an engine that does not poll {@link #isCancelled()}. The action runs on the thread that
   * cancels, not the handler's: for a {@code cancel} request that is the connection's reader thread, which
   * reads nothing else meanwhile, so the action must be short and must not block. An action that throws is
   * logged and ignored.
   */
  void onCancel(Runnable action);
}
