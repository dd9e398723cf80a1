package dev.nm.host.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.nm.route.RouteException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The messages a caller reads for Jakarta constraints: parameters filled in, never an expression left as text. */
class RequestChecksTest {
  record Ranges(
      @DecimalMin("0") @DecimalMax("2") Double temperature,
      @DecimalMin(value = "0", inclusive = false) @DecimalMax(value = "1", inclusive = false) Double share,
      @Max(10) Integer count,
      @Size(max = 3) String name) {}

  private final RequestChecks checks = new RequestChecks();

  @Test
  void decimalBoundsSayWhetherTheBoundItselfIsAllowed() {
    assertMessage(new Ranges(2.5, null, null, null), "temperature: must be less than or equal to 2");
    assertMessage(new Ranges(-1.0, null, null, null), "temperature: must be greater than or equal to 0");
    assertMessage(new Ranges(null, 1.0, null, null), "share: must be less than 1");
    assertMessage(new Ranges(null, 0.0, null, null), "share: must be greater than 0");
  }

  @Test
  void otherConstraintsKeepTheirParameters() {
    assertMessage(new Ranges(null, null, 11, null), "count: must be less than or equal to 10");
    assertMessage(new Ranges(null, null, null, "four"), "name: size must be between 0 and 3");
  }

  record Renamed(@JsonProperty("n") @Min(1) Integer count, @Valid List<Item> items) {}

  record Item(@JsonProperty("label") @NotBlank String name, @Min(0) Integer maxTokens) {}

  /** A violation names the property as the caller wrote it: its @JsonProperty name, also inside a list. */
  @Test
  void aRenamedPropertyIsNamedAsTheCallerWroteIt() {
    assertField(new Renamed(0, null), "n");
    assertField(new Renamed(1, List.of(new Item("a", 1), new Item(" ", 1))), "items[1].label");
    assertField(new Renamed(1, List.of(new Item("a", -1))), "items[0].max_tokens");
  }

  private void assertField(Object request, String field) {
    RouteException e = assertThrows(RouteException.class, () -> checks.check(request, new Object()));
    assertEquals(field, e.toErrorBody().field(), e.getMessage());
  }

  private void assertMessage(Ranges request, String message) {
    RouteException e = assertThrows(RouteException.class, () -> checks.check(request, new Object()));
    assertEquals(message, e.getMessage());
  }
}
