package dev.nm.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The codes are wire API: clients branch on these exact strings. docs/protocol.md lists the same table. */
class ErrorCodeTest {
  @Test
  void wireNamesNeverChange() {
    assertEquals(
        List.of(
            "INVALID_FRAME", "MESSAGE_TOO_LARGE", "INVALID_JSON", "INVALID_REQUEST", "ROUTE_NOT_FOUND",
            "VALIDATION_ERROR", "FORBIDDEN", "UNAUTHORIZED", "RATE_LIMITED", "NOT_FOUND", "CANCELLED",
            "BACKEND_ERROR", "INTERNAL_ERROR", "NOT_IMPLEMENTED"),
        Arrays.stream(ErrorCode.values()).map(ErrorCode::name).toList());
  }

  @Test
  void onlyRateLimitsAndBackendFailuresAreRetryable() {
    assertEquals(
        List.of(ErrorCode.RATE_LIMITED, ErrorCode.BACKEND_ERROR),
        Arrays.stream(ErrorCode.values()).filter(ErrorCode::retryable).toList());
  }
}
