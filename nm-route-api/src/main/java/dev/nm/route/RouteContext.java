package dev.nm.route;

import java.util.Optional;

/** What a handler knows about the call it serves. One context per call; valid until the call completes. */
public interface RouteContext {
  /** The caller's {@code request_id}. */
  String requestId();

  /** The route's wire name. */
  String route();

  /**
   * Who is calling: the browser's origin for the extension ({@code chrome-extension://ID/},
   * {@code moz-extension} add-on ids as {@code firefox:ADDON_ID}), or a host-defined name for local clients.
   */
  String origin();

  /**
   * Fires when the caller sends {@code cancel}, closes its port, or the host shuts down. The handler's thread
   * is not interrupted: check {@link Cancellation#isCancelled()} between units of work, or register a
   * {@link Cancellation#onCancel} hook to stop work that cannot check (see {@link Cancellation}).
   */
  Cancellation cancellation();

  /**
   * Emits stream events before the final reply. Only routes declared {@code streaming = true} may emit; for
   * others this throws {@link IllegalStateException}.
   */
  EventSink events();

  /**
   * Refuses the call unless the caller's origin holds {@code scope}, one of the route's
   * {@link NativeRoute#optionScopes()}; the host's scope check covers {@link NativeRoute#scope()} before the handler
   * runs.
   *
   * @param option what needs the scope, named in the refusal: a request option such as {@code all_origins}
   * @throws RouteException {@code UNAUTHORIZED}, naming the scope, the origin and where to grant it; its detail
   *     {@code scope} is the scope
   * @throws IllegalArgumentException if the route does not declare {@code scope} among its option scopes
   */
  void requireScope(String scope, String option);

  /**
   * The host's service of that type (a backend, a store). Services are registered by whoever builds the host
   * or the test, never looked up globally.
   *
   * @throws RouteException {@code NOT_IMPLEMENTED} if this host provides no such service
   */
  default <T> T service(Class<T> type) {
    return findService(type)
        .orElseThrow(
            () ->
                RouteException.notImplemented(
                    "this host provides no " + type.getSimpleName() + ", which route '" + route() + "' needs"));
  }

  /** The host's service of that type, if it provides one. */
  <T> Optional<T> findService(Class<T> type);
}
