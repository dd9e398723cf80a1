package dev.nm.host.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.host.RouteCatalog;
import dev.nm.host.middleware.Call;
import dev.nm.host.middleware.Middleware;
import dev.nm.protocol.ErrorCode;
import dev.nm.route.RouteContext;
import dev.nm.route.RouteDescriptor;
import dev.nm.route.RouteException;
import dev.nm.route.RouteHandler;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last link of the middleware chain: finds the route's handler, binds and checks the payload, and calls
 * the handler. Every failure leaves as a {@link RouteException}: the handler's own, {@code CANCELLED} if the
 * call was cancelled meanwhile, else {@code INTERNAL_ERROR} with a generic message (the stack trace goes to
 * the log, never to the caller). One handler instance per route, created here.
 */
public final class Dispatcher implements Middleware.Next {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  private final RouteCatalog catalog;
  private final Map<String, BoundRoute<?, ?>> routes = new HashMap<>();
  private final RequestChecks checks = new RequestChecks();

  public Dispatcher(RouteCatalog catalog) {
    this.catalog = catalog;
    for (RouteCatalog.Entry entry : catalog.entries()) {
      routes.put(entry.descriptor().name(), BoundRoute.of(entry.descriptor()));
    }
  }

  @Override
  public Object proceed(Call call) {
    BoundRoute<?, ?> route = call.route() == null ? null : routes.get(call.routeName());
    if (route == null) {
      throw routeNotFound(call.routeName());
    }
    try {
      return route.invoke(call.request().payload(), call.context(), checks);
    } catch (RouteException e) {
      if (call.context().cancellation().isCancelled() && e.code() != ErrorCode.CANCELLED) {
        throw RouteException.cancelled();
      }
      throw e;
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      if (call.context().cancellation().isCancelled()) {
        throw RouteException.cancelled();
      }
      log.error("route '{}' threw on request {}", call.routeName(), call.requestId(), e);
      throw new RouteException(
          ErrorCode.INTERNAL_ERROR,
          "route '" + call.routeName() + "' failed unexpectedly; the host log has the details under request_id "
              + call.requestId());
    }
  }

  /**
   * Binds and checks a payload for the named route as {@link #proceed} does, without calling its handler: what
   * a server runs to have the JIT compile the binding and validation code before callers need it.
   *
   * @throws RouteException as {@link #proceed} for an unknown route or a payload that does not bind or check
   */
  public void rehearse(String routeName, JsonNode payload) {
    BoundRoute<?, ?> route = routes.get(routeName);
    if (route == null) {
      throw routeNotFound(routeName);
    }
    route.check(payload, checks);
  }

  private RouteException routeNotFound(String name) {
    List<String> nearest = catalog.nearest(name);
    String hint = nearest.isEmpty() ? "" : " Did you mean '" + String.join("', '", nearest) + "'?";
    return new RouteException(
            ErrorCode.ROUTE_NOT_FOUND,
            "no route named '" + name + "'." + hint + " Call 'routes' to list every route this host serves.")
        .withDetail("route", name)
        .withDetail("did_you_mean", nearest);
  }

  /** A route with its one handler instance and the binder of its request record. */
  private record BoundRoute<Q, R>(RouteHandler<Q, R> handler, PayloadBinder<Q> binder) {
    static <Q, R> BoundRoute<Q, R> of(RouteDescriptor<Q, R> descriptor) {
      return new BoundRoute<>(descriptor.newHandler(), PayloadBinder.of(descriptor.requestType()));
    }

    Object invoke(JsonNode payload, RouteContext context, RequestChecks checks) throws Exception {
      Q request = check(payload, checks);
      context.cancellation().throwIfCancelled();
      return handler.handle(request, context);
    }

    Q check(JsonNode payload, RequestChecks checks) {
      Q request = binder.bind(payload);
      checks.check(request, handler);
      return request;
    }
  }
}
