package dev.nm.testkit;

import static dev.nm.testkit.EnvelopeAssertions.assertFailure;
import static dev.nm.testkit.EnvelopeAssertions.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.nm.protocol.ErrorBody;
import dev.nm.protocol.ErrorCode;
import dev.nm.protocol.Json;
import dev.nm.protocol.Message;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

class EnvelopeAssertionsTest {
  private static final Reply STATS =
      new Reply(
          new Message.Success("r1", json("{\"words\":3,\"ratio\":0.5,\"text\":\"a b a\",\"top\":[{\"word\":\"a\",\"count\":2}],\"none\":null}")),
          List.of(new Message.Event("r1", "progress", json("{\"done\":1}"))));
  private static final String STATS_JSON =
      "{\"request_id\":\"r1\",\"event\":\"progress\",\"data\":{\"done\":1}}\n"
          + "{\"request_id\":\"r1\",\"success\":true,\"data\":{\"words\":3,\"ratio\":0.5,\"text\":\"a b a\","
          + "\"top\":[{\"word\":\"a\",\"count\":2}],\"none\":null}}";
  private static final Reply INVALID =
      new Reply(
          new Message.Failure("r2", ErrorBody.of(ErrorCode.VALIDATION_ERROR, "text: must not be null", Map.of("field", "text"))),
          List.of());
  private static final String INVALID_JSON =
      "{\"request_id\":\"r2\",\"success\":false,\"error\":{\"code\":\"VALIDATION_ERROR\","
          + "\"message\":\"text: must not be null\",\"details\":{\"field\":\"text\"}}}";

  @Test
  void passingAssertionsChain() {
    assertSuccess(STATS)
        .hasData("/words", "3")
        .hasData("/ratio", "5e-1")
        .hasData("/top/0", "{ \"count\": 2, \"word\": \"a\" }")
        .hasData("/text")
        .dataMatches("/text", "(a|b| )+")
        .dataMatches("/words", "[0-9]+")
        .hasAtLeastEvents(1);
    assertFailure(INVALID, ErrorCode.VALIDATION_ERROR).hasField("text").messageContains("must not be null");
  }

  @Test
  void aWrongValueShowsBothAndTheWholeReply() {
    AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> assertSuccess(STATS).hasData("/words", "4"));
    assertEquals("expected data/words to be 4 but was 3\nreply:\n" + STATS_JSON, e.getMessage());
    assertEquals("4", e.getExpected().getValue());
    assertEquals("3", e.getActual().getValue());
  }

  @Test
  void aMessageStartsTheFailureAsInJUnit() {
    AssertionError success = assertThrows(AssertionError.class, () -> assertSuccess(STATS, "stats of 'a b a'").hasData("/words", "4"));
    assertEquals("stats of 'a b a' ==> expected data/words to be 4 but was 3\nreply:\n" + STATS_JSON, success.getMessage());

    AssertionError failure = assertThrows(AssertionError.class, () -> assertFailure(INVALID, ErrorCode.VALIDATION_ERROR, "no text").hasField("top"));
    assertEquals("no text ==> expected details.field top but was text\nreply:\n" + INVALID_JSON, failure.getMessage());
  }

  @Test
  void typesMatterWhenComparing() {
    AssertionError e = assertThrows(AssertionError.class, () -> assertSuccess(STATS).hasData("/words", "\"3\""));
    assertEquals("expected data/words to be \"3\" but was 3\nreply:\n" + STATS_JSON, e.getMessage());
  }

  @Test
  void aMissingValueIsReported() {
    AssertionError e = assertThrows(AssertionError.class, () -> assertSuccess(STATS).hasData("/lines"));
    assertEquals("expected a value at data/lines but there is none\nreply:\n" + STATS_JSON, e.getMessage());
  }

  @Test
  void aNullValueIsNotPresent() {
    AssertionError e = assertThrows(AssertionError.class, () -> assertSuccess(STATS).hasData("/none"));
    assertEquals("expected a value at data/none but it is null\nreply:\n" + STATS_JSON, e.getMessage());
  }

  @Test
  void matchesMeansTheWholeText() {
    AssertionError e = assertThrows(AssertionError.class, () -> assertSuccess(STATS).dataMatches("/text", "a b"));
    assertEquals("expected data/text to match /a b/ but was \"a b a\"\nreply:\n" + STATS_JSON, e.getMessage());
  }

  @Test
  void tooFewEvents() {
    AssertionError e = assertThrows(AssertionError.class, () -> assertSuccess(STATS).hasAtLeastEvents(2));
    assertEquals("expected at least 2 events but the host sent 1\nreply:\n" + STATS_JSON, e.getMessage());
  }

  @Test
  void aFailureWhereSuccessWasExpected() {
    AssertionError e = assertThrows(AssertionError.class, () -> assertSuccess(INVALID));
    assertEquals(
        "expected a success but the host failed with VALIDATION_ERROR: text: must not be null\nreply:\n" + INVALID_JSON,
        e.getMessage());
  }

  @Test
  void aSuccessWhereFailureWasExpected() {
    AssertionError e = assertThrows(AssertionError.class, () -> assertFailure(STATS, ErrorCode.NOT_FOUND));
    assertEquals("expected a failure with NOT_FOUND but the host succeeded\nreply:\n" + STATS_JSON, e.getMessage());
  }

  @Test
  void anotherErrorCode() {
    AssertionError e = assertThrows(AssertionError.class, () -> assertFailure(INVALID, ErrorCode.FORBIDDEN));
    assertEquals(
        "expected error code FORBIDDEN but was VALIDATION_ERROR: text: must not be null\nreply:\n" + INVALID_JSON,
        e.getMessage());
  }

  @Test
  void anotherField() {
    AssertionError e = assertThrows(AssertionError.class, () -> assertFailure(INVALID, ErrorCode.VALIDATION_ERROR).hasField("top"));
    assertEquals("expected details.field top but was text\nreply:\n" + INVALID_JSON, e.getMessage());
  }

  @Test
  void anotherMessage() {
    AssertionError e =
        assertThrows(AssertionError.class, () -> assertFailure(INVALID, ErrorCode.VALIDATION_ERROR).messageContains("blank"));
    assertEquals(
        "expected the error message to contain \"blank\" but it is \"text: must not be null\"\nreply:\n" + INVALID_JSON,
        e.getMessage());
  }

  @Test
  void misusedPathsAndExpectedValuesAreExplained() {
    IllegalArgumentException path =
        assertThrows(IllegalArgumentException.class, () -> assertSuccess(STATS).hasData("top.0.word", "\"a\""));
    assertEquals("'top.0.word' is not a JSON Pointer: write \"/top/0/word\" (\"\" is the whole data)", path.getMessage());

    IllegalArgumentException value = assertThrows(IllegalArgumentException.class, () -> assertSuccess(STATS).hasData("/text", "a b a"));
    assertEquals("expected value a b a is not JSON text; a string is written with its quotes: \"\\\"a b a\\\"\"", value.getMessage());
  }

  private static Object json(String text) {
    try {
      return Json.mapper().readTree(text);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
