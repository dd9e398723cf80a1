package dev.nm.protocol;

/**
 * The stable error codes of the nm wire protocol. The enum constant's name is the code that travels in
 * {@code error.code}; codes are never renamed or removed, only added.
 */
public enum ErrorCode {
  /**
   * The byte stream broke framing (a truncated frame), or a client received chunks out of order. The
   * connection cannot continue.
   */
  INVALID_FRAME(false),
  /** A frame or a reply exceeded a size limit. */
  MESSAGE_TOO_LARGE(false),
  /** The frame's body is not well-formed UTF-8 JSON, or nests deeper than the limit. */
  INVALID_JSON(false),
  /**
   * The JSON is well-formed but is not a valid envelope (missing or mistyped {@code request_id}, {@code route},
   * {@code payload}); {@code details.field} names the field.
   */
  INVALID_REQUEST(false),
  /** No route of that name is registered. */
  ROUTE_NOT_FOUND(false),
  /** The payload does not satisfy the route's request contract; {@code details.field} names the field. */
  VALIDATION_ERROR(false),
  /** The caller's origin is not allowed to talk to this host. */
  FORBIDDEN(false),
  /** The caller's origin lacks the scope the route requires. */
  UNAUTHORIZED(false),
  /** The caller exceeded a rate limit; {@code details.retry_after_ms} says when to retry. */
  RATE_LIMITED(true),
  /** A named resource (model, session, request) does not exist. */
  NOT_FOUND(false),
  /** The request was cancelled before it completed. */
  CANCELLED(false),
  /** The engine behind the route failed. */
  BACKEND_ERROR(true),
  /** A bug in the host or a route; sending the same request again would hit it again. */
  INTERNAL_ERROR(false),
  /** The route exists but cannot do its job in this build or configuration. */
  NOT_IMPLEMENTED(false);

  private final boolean retryable;

  ErrorCode(boolean retryable) {
    this.retryable = retryable;
  }

  /** Whether the same request may succeed if sent again later. */
  public boolean retryable() {
    return retryable;
  }
}
