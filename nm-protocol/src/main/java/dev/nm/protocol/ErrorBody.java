package dev.nm.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code error} object of a failed reply: a stable code, a message for people, and details for
 * programs ({@code details.field} for validation errors).
 *
 * <p>{@code code} is a string, not an {@link ErrorCode}, so that a client reading a newer host's reply keeps
 * working when codes are added.
 */
public record ErrorBody(String code, String message, Map<String, Object> details) {
  public ErrorBody {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
    details = details == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  public static ErrorBody of(ErrorCode code, String message) {
    return new ErrorBody(code.name(), message, Map.of());
  }

  public static ErrorBody of(ErrorCode code, String message, Map<String, Object> details) {
    return new ErrorBody(code.name(), message, details);
  }

  /** {@code details.field}, or null. */
  public String field() {
    Object field = details.get("field");
    return field == null ? null : field.toString();
  }
}
