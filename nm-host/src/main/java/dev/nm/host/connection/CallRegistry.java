package dev.nm.host.connection;

import dev.nm.route.Cancellation;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The unanswered calls of one connection, by request id. Routes reach it through
 * {@code context.service(CallRegistry.class)}: the built-in {@code cancel} route cancels through it, and it
 * only ever sees the caller's own connection. Thread-safe.
 */
public final class CallRegistry {
  private final ConcurrentMap<String, InFlightCall> calls = new ConcurrentHashMap<>();

  /**
   * Cancels the unanswered call with that id: it answers {@code CANCELLED} at once and its cancellation hooks
   * run.
   *
   * @return false if no such call is unanswered on this connection
   */
  public boolean cancel(String requestId) {
    InFlightCall call = calls.get(requestId);
    return call != null && call.cancel(true);
  }

  /** Whether the call with that id is unanswered on this connection: queued, running or streaming. */
  public boolean isUnanswered(String requestId) {
    return calls.containsKey(requestId);
  }

  /**
   * The cancellation of the unanswered call with that id: one object a call, so that a route can tell the call
   * from a later one that reuses its id once it has been answered.
   */
  public Optional<Cancellation> cancellationOf(String requestId) {
    return Optional.ofNullable(calls.get(requestId)).map(InFlightCall::cancellation);
  }

  /**
   * When the unanswered call with that id was read, as {@link System#nanoTime()}: a route that records when it
   * was asked to stop work can tell a call made before that request from one made after.
   */
  public OptionalLong receivedNanosOf(String requestId) {
    InFlightCall call = calls.get(requestId);
    return call == null ? OptionalLong.empty() : OptionalLong.of(call.receivedNanos());
  }

  /** How many calls are unanswered. */
  public int size() {
    return calls.size();
  }

  /** @return false if a call with the same id is already unanswered */
  boolean register(InFlightCall call) {
    return calls.putIfAbsent(call.requestId(), call) == null;
  }

  void remove(InFlightCall call) {
    calls.remove(call.requestId(), call);
  }

  /** Cancels every unanswered call without replying: the caller is gone. */
  void cancelAll() {
    for (InFlightCall call : List.copyOf(calls.values())) {
      call.cancel(false);
    }
  }
}
