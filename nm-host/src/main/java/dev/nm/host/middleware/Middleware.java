package dev.nm.host.middleware;

import java.util.List;

/**
 * One concern applied to every call (logging, metrics, policy). Middlewares form a chain whose last link is
 * the dispatcher; each either passes the call on with {@code next.proceed(call)} or ends it by throwing a
 * {@link dev.nm.route.RouteException}. Implementations are shared by all connections: keep them thread-safe.
 */
@FunctionalInterface
public interface Middleware {
  /**
   * @return the reply's {@code data}
   * @throws dev.nm.route.RouteException to answer with a failure; the chain throws nothing else
   */
  Object handle(Call call, Next next);

  /** The rest of the chain. */
  @FunctionalInterface
  interface Next {
    Object proceed(Call call);
  }

  /** {@code middlewares} in order, ending in {@code last}. */
  static Next chain(List<? extends Middleware> middlewares, Next last) {
    Next next = last;
    for (int i = middlewares.size() - 1; i >= 0; i--) {
      Middleware middleware = middlewares.get(i);
      Next rest = next;
      next = call -> middleware.handle(call, rest);
    }
    return next;
  }
}
