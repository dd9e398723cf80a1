package dev.nm.host.connection;

import dev.nm.host.AccessPolicy;
import dev.nm.host.middleware.Scopes;
import dev.nm.protocol.ErrorCode;
import dev.nm.protocol.Message;
import dev.nm.route.Cancellation;
import dev.nm.route.EventSink;
import dev.nm.route.RouteContext;
import dev.nm.route.RouteDescriptor;
import dev.nm.route.RouteException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call between its request and its single reply; it is the handler's {@link RouteContext}, its
 * {@link Cancellation} and its {@link EventSink}. Whatever answers first (handler, failure, cancel) is the
 * reply; later answers are dropped, and no event follows the reply.
 */
final class InFlightCall implements RouteContext, Cancellation, EventSink {
  private static final Logger log = LoggerFactory.getLogger(InFlightCall.class);

  private final Message.Request request;
  private final RouteDescriptor<?, ?> route;
  private final ServerConnection connection;
  private final long receivedNanos = System.nanoTime();
  private final List<Runnable> cancelHooks = new ArrayList<>();
  private volatile boolean cancelled;
  private boolean answered;

  InFlightCall(Message.Request request, RouteDescriptor<?, ?> route, ServerConnection connection) {
    this.request = request;
    this.route = route;
    this.connection = connection;
  }

  Message.Request request() {
    return request;
  }

  RouteDescriptor<?, ?> descriptor() {
    return route;
  }

  /** {@link System#nanoTime()} when the request was read. */
  long receivedNanos() {
    return receivedNanos;
  }

  @Override
  public String requestId() {
    return request.requestId();
  }

  @Override
  public String route() {
    return request.route();
  }

  @Override
  public String origin() {
    return connection.origin();
  }

  @Override
  public Cancellation cancellation() {
    return this;
  }

  @Override
  public EventSink events() {
    if (route == null || !route.streaming()) {
      throw new IllegalStateException(
          "route '" + route() + "' is not declared streaming = true, so it cannot emit events");
    }
    return this;
  }

  @Override
  public void requireScope(String scope, String option) {
    if (route == null || !route.optionScopes().contains(scope)) {
      throw new IllegalArgumentException(
          "route '" + route() + "' asks for scope '" + scope + "', which its @NativeRoute does not declare in"
              + " optionScopes");
    }
    if (!service(AccessPolicy.class).grants(origin(), scope)) {
      throw Scopes.refusal(option + " of route '" + route() + "'", scope, origin());
    }
  }

  @Override
  public <T> Optional<T> findService(Class<T> type) {
    if (type == CallRegistry.class) {
      return Optional.of(type.cast(connection.calls()));
    }
    return connection.context().services().find(type);
  }

  @Override
  public boolean isCancelled() {
    return cancelled;
  }

  /** Whether the call has been answered or cancelled. */
  synchronized boolean isFinished() {
    return answered;
  }

  @Override
  public void onCancel(Runnable action) {
    synchronized (this) {
      if (!cancelled) {
        cancelHooks.add(action);
        return;
      }
    }
    runHook(action);
  }

  @Override
  public void emit(String event, Object data) {
    if (cancelled) {
      throw RouteException.cancelled();
    }
    connection.awaitRoomForEvents();
    synchronized (this) {
      if (cancelled || answered) {
        throw RouteException.cancelled();
      }
      if (!connection.deliver(new Message.Event(requestId(), event, data))) {
        throw RouteException.cancelled();
      }
    }
  }

  /** Sends {@code reply} unless the call was already answered. */
  void answer(Message reply) {
    synchronized (this) {
      if (answered) {
        return;
      }
      answered = true;
      // Before the reply leaves: a caller may reuse the id as soon as it has the reply.
      connection.calls().remove(this);
      try {
        connection.deliver(reply);
      } catch (RuntimeException | Error e) {
        // Encoding failed (no JSON for the data, or out of memory for a large reply): nothing was written.
        log.error("cannot encode the reply of route '{}' to request {}", route(), requestId(), e);
        connection.deliver(
            Message.Failure.of(
                requestId(),
                ErrorCode.INTERNAL_ERROR,
                "the reply could not be encoded as JSON; the host log has the details under request_id " + requestId()));
      }
    }
  }

  /**
   * Cancels the call: answers {@code CANCELLED} if {@code reply}, then runs the cancellation hooks.
   *
   * @return false if the call was already answered or cancelled
   */
  boolean cancel(boolean reply) {
    List<Runnable> hooks;
    synchronized (this) {
      if (answered || cancelled) {
        return false;
      }
      cancelled = true;
      answered = true;
      connection.calls().remove(this);
      if (reply) {
        connection.deliver(Message.Failure.of(requestId(), ErrorCode.CANCELLED, "the request was cancelled"));
      }
      hooks = List.copyOf(cancelHooks);
      cancelHooks.clear();
    }
    hooks.forEach(InFlightCall::runHook);
    return true;
  }

  private static void runHook(Runnable hook) {
    try {
      hook.run();
    } catch (RuntimeException | Error e) {
      // An Error too: the hooks run as the connection ends, which must go on to its end.
      log.warn("a cancellation hook failed", e);
    }
  }
}
