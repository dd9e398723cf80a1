package dev.nm.route;

/** Sends stream events for one call, in order, before its final reply. Thread-safe. */
@FunctionalInterface
public interface EventSink {
  /**
   * Sends {@code {"request_id", "event": name, "data": data}}.
   *
   * @throws RouteException {@code CANCELLED} if the call was cancelled or its caller has gone
   */
  void emit(String event, Object data);
}
