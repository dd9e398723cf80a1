package dev.nm.testkit;

import static dev.nm.testkit.DeclaredCaseAssertions.assertHolds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nm.protocol.ErrorBody;
import dev.nm.protocol.ErrorCode;
import dev.nm.protocol.Message;
import dev.nm.route.DeclaredCase;
import dev.nm.route.DeclaredCase.Expectation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeclaredCaseAssertionsTest {
  private static final Reply ECHO =
      new Reply(new Message.Success("r1", Map.of("text", "hi", "length", 2)), List.of(new Message.Event("r1", "tick", 1)));
  private static final Reply EMPTY_TEXT =
      new Reply(new Message.Failure("r2", ErrorBody.of(ErrorCode.VALIDATION_ERROR, "text: must not be blank", Map.of("field", "text"))), List.of());

  @Test
  void aValidCaseHoldsWhenEveryExpectationHolds() {
    assertHolds(
        new DeclaredCase.Valid(
            "echoes",
            "{}",
            List.of(new Expectation("/text", "\"hi\"", ""), new Expectation("/length", "", "[0-9]"), new Expectation("/text", "", "")),
            1),
        ECHO,
        "case");
  }

  @Test
  void anExpectationWithNeitherValueNorPatternOnlyNeedsAValue() {
    AssertionError e =
        assertThrows(AssertionError.class, () -> assertHolds(new DeclaredCase.Valid("c", "{}", List.of(new Expectation("/missing", "", "")), 0), ECHO, "case"));
    assertEquals("case ==> expected a value at data/missing but there is none\nreply:\n" + ECHO.toJson(), e.getMessage());
  }

  @Test
  void aValidCaseFailsOnTheFirstWrongExpectation() {
    AssertionError e =
        assertThrows(AssertionError.class, () -> assertHolds(new DeclaredCase.Valid("c", "{}", List.of(new Expectation("/length", "3", "")), 0), ECHO, "case"));
    assertEquals("case ==> expected data/length to be 3 but was 2\nreply:\n" + ECHO.toJson(), e.getMessage());
  }

  @Test
  void aValidCaseCountsEvents() {
    AssertionError e = assertThrows(AssertionError.class, () -> assertHolds(new DeclaredCase.Valid("c", "{}", List.of(), 2), ECHO, "case"));
    assertEquals("case ==> expected at least 2 events but the host sent 1\nreply:\n" + ECHO.toJson(), e.getMessage());
  }

  @Test
  void anInvalidCaseChecksCodeAndField() {
    assertHolds(new DeclaredCase.Invalid("empty", "{}", ErrorCode.VALIDATION_ERROR, "text"), EMPTY_TEXT, "case");

    AssertionError e =
        assertThrows(AssertionError.class, () -> assertHolds(new DeclaredCase.Invalid("empty", "{}", ErrorCode.VALIDATION_ERROR, "top"), EMPTY_TEXT, "case"));
    assertEquals("case ==> expected details.field top but was text\nreply:\n" + EMPTY_TEXT.toJson(), e.getMessage());
  }

  @Test
  void anInvalidCaseWithoutAFieldChecksOnlyTheCode() {
    Reply notFound = new Reply(Message.Failure.of("r3", ErrorCode.NOT_FOUND, "no model named 'x'"), List.of());
    assertHolds(new DeclaredCase.Invalid("unknown model", "{}", ErrorCode.NOT_FOUND, ""), notFound, "case");

    AssertionError e = assertThrows(AssertionError.class, () -> assertHolds(new DeclaredCase.Invalid("c", "{}", ErrorCode.NOT_FOUND, ""), ECHO, "case"));
    assertEquals("case ==> expected a failure with NOT_FOUND but the host succeeded\nreply:\n" + ECHO.toJson(), e.getMessage());
  }
}
