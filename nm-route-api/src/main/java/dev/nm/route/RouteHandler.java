package dev.nm.route;

/**
 * The handler contract of a {@link NativeRoute}. One instance serves every call, concurrently: keep it
 * stateless or thread-safe, and reach shared state through {@link RouteContext#service(Class)}.
 *
 * @param <Q> the request record, bound from {@code payload} (snake_case on the wire) and validated before
 *     {@link #handle} runs
 * @param <R> the response record, written as the reply's {@code data}
 */
@FunctionalInterface
public interface RouteHandler<Q, R> {
  /**
   * Serves one call.
   *
   * @throws RouteException to answer with a specific error code; anything else becomes
   *     {@code INTERNAL_ERROR} (or {@code CANCELLED} if the call was cancelled meanwhile)
   */
  R handle(Q request, RouteContext context) throws Exception;
}
