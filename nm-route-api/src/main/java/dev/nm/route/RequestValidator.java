package dev.nm.route;

/**
 * Checks a request beyond what Jakarta constraints express (cross-field rules, values that depend on the
 * host). A route class implements it next to {@link RouteHandler}; it runs after the constraints pass and
 * before {@link RouteHandler#handle}. It must only look at the request: a server also runs it on the route's
 * declared cases to warm up, without a call behind them.
 */
@FunctionalInterface
public interface RequestValidator<Q> {
  void validate(Q request, Violations violations);
}
