package dev.nm.route;

/**
 * Checks a request beyond what Jakarta constraints express (cross-field rules, values that depend on the
 * host). A route class implements it next to {@link RouteHandler}; it runs after the constraints pass and
 * before {@link RouteHandler#handle}.
 */
@FunctionalInterface
public interface RequestValidator<Q> {
  void validate(Q request, Violations violations);
}
