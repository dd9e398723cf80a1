package dev.nm.route;

import dev.nm.protocol.ErrorBody;
import dev.nm.protocol.ErrorCode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** Ends a call with a specific error code; the host sends it as the call's failure reply. */
public class RouteException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final ErrorCode code;
  private final transient Map<String, Object> details = new LinkedHashMap<>();

  public RouteException(ErrorCode code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  public RouteException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  public ErrorCode code() {
    return code;
  }

  /** The details added so far, in the order they were added, as {@link #toErrorBody()} sends them. */
  public Map<String, Object> details() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  /** Adds a machine-readable detail ({@code field}, {@code model}, {@code retry_after_ms}...). */
  public RouteException withDetail(String key, Object value) {
    details.put(key, value);
    return this;
  }

  public ErrorBody toErrorBody() {
    return ErrorBody.of(code, getMessage(), details);
  }

  /** {@code VALIDATION_ERROR} naming the wire field, e.g. {@code validation("max_tokens", "must be ≤ 4096")}. */
  public static RouteException validation(String field, String message) {
    return new RouteException(ErrorCode.VALIDATION_ERROR, field + ": " + message).withDetail("field", field);
  }

  /** {@code NOT_FOUND}, e.g. {@code notFound("model", "gpt-9")}. */
  public static RouteException notFound(String kind, String name) {
    return new RouteException(ErrorCode.NOT_FOUND, "no " + kind + " named '" + name + "'").withDetail(kind, name);
  }

  public static RouteException backend(String message, Throwable cause) {
    return new RouteException(ErrorCode.BACKEND_ERROR, message, cause);
  }

  public static RouteException notImplemented(String message) {
    return new RouteException(ErrorCode.NOT_IMPLEMENTED, message);
  }

  public static RouteException cancelled() {
    return new RouteException(ErrorCode.CANCELLED, "the request was cancelled");
  }
}
