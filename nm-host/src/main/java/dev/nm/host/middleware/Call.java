package dev.nm.host.middleware;

import dev.nm.protocol.Message;
import dev.nm.route.RouteContext;
import dev.nm.route.RouteDescriptor;
import java.util.Objects;

/**
 * One request on its way through the middleware chain to its handler.
 *
 * @param request the decoded envelope
 * @param route the route it names, or null if the host has no such route (the dispatcher answers
 *     {@code ROUTE_NOT_FOUND}; policy checks still run first)
 * @param context the handler's view of the call
 * @param receivedNanos {@link System#nanoTime()} when the request was read, so latency includes time queued
 */
public record Call(Message.Request request, RouteDescriptor<?, ?> route, RouteContext context, long receivedNanos) {
  public Call {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(context, "context");
  }

  public String requestId() {
    return request.requestId();
  }

  /** The route name as the caller sent it. */
  public String routeName() {
    return request.route();
  }

  public String origin() {
    return context.origin();
  }
}
