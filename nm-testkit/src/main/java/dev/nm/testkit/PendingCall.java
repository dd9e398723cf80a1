package dev.nm.testkit;

import dev.nm.protocol.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** One request in flight: the events received so far and the future of its {@link Reply}. */
final class PendingCall {
  private static final Consumer<Message.Event> IGNORE = event -> {};

  private final String requestId;
  private final String route;
  private final Consumer<Message.Event> listener;
  private final List<Message.Event> events = new ArrayList<>();
  private final CompletableFuture<Reply> future = new CompletableFuture<>();
  private Throwable listenerFailure;

  PendingCall(String requestId, String route, Consumer<Message.Event> listener) {
    this.requestId = requestId;
    this.route = route;
    this.listener = listener == null ? IGNORE : listener;
  }

  String requestId() {
    return requestId;
  }

  CompletableFuture<Reply> future() {
    return future;
  }

  /**
   * Called on the reader thread. A listener that throws, an {@link AssertionError} included, fails the call once
   * its final reply arrives; the reader thread reads on.
   */
  synchronized void event(Message.Event event) {
    events.add(event);
    if (listenerFailure != null) {
      return;
    }
    try {
      listener.accept(event);
    } catch (Throwable e) {
      listenerFailure = e;
    }
  }

  synchronized void complete(Message outcome) {
    if (listenerFailure != null) {
      future.completeExceptionally(listenerFailure);
    } else {
      future.complete(new Reply(outcome, events));
    }
  }

  void fail(Throwable cause) {
    future.completeExceptionally(cause);
  }

  /** "request 'r1' (route 'echo')", for messages. */
  synchronized String describe() {
    String what = route == null ? "raw frame" : "route '" + route + "'";
    String id = requestId == null ? "without a readable request_id" : "'" + requestId + "'";
    return "request " + id + " (" + what + ", " + events.size() + " events received)";
  }
}
