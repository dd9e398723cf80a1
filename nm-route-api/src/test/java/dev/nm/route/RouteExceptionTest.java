package dev.nm.route;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nm.protocol.ErrorCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteExceptionTest {
  @Test
  void detailsAreWhatTheErrorBodySends() {
    RouteException e =
        new RouteException(ErrorCode.NOT_FOUND, "no model named 'x'")
            .withDetail("model", "x")
            .withDetail("loaded", null)
            .withDetail("a", 1)
            .withDetail("b", 2);

    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("model", "x");
    expected.put("loaded", null);
    expected.put("a", 1);
    expected.put("b", 2);
    assertEquals(expected, e.details());
    assertEquals(List.of("model", "loaded", "a", "b"), new ArrayList<>(e.details().keySet()));
    assertEquals(e.toErrorBody().details(), e.details());
  }
}
