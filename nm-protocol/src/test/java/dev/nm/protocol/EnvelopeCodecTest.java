package dev.nm.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvelopeCodecTest {
  private final EnvelopeCodec codec = new EnvelopeCodec();
  private final ObjectMapper mapper = Json.mapper();

  // --- decodeRequest: the happy path

  @Test
  void decodesARequest() throws ProtocolException {
    Message.Request request = codec.decodeRequest(utf8("{\"request_id\":\"r1\",\"route\":\"chat\",\"payload\":{\"max_tokens\":8}}"));

    assertEquals("r1", request.requestId());
    assertEquals("chat", request.route());
    assertEquals(json("{\"max_tokens\":8}"), request.payload());
  }

  @Test
  void missingOrNullPayloadReadsAsAnEmptyObject() throws ProtocolException {
    assertEquals(json("{}"), codec.decodeRequest(utf8("{\"request_id\":\"r1\",\"route\":\"models\"}")).payload());
    assertEquals(
        json("{}"), codec.decodeRequest(utf8("{\"request_id\":\"r1\",\"route\":\"models\",\"payload\":null}")).payload());
  }

  @Test
  void unknownEnvelopeKeysAreIgnored() throws ProtocolException {
    Message.Request request = codec.decodeRequest(utf8("{\"route\":\"hello\",\"trace\":1,\"request_id\":\"r1\"}"));

    assertEquals(new Message.Request("r1", "hello", json("{}")), request);
  }

  @Test
  void acceptsRequestIdOfExactlyTheLimit() throws ProtocolException {
    String id = "i".repeat(256);

    assertEquals(id, codec.decodeRequest(utf8("{\"request_id\":\"" + id + "\",\"route\":\"x\"}")).requestId());
  }

  @Test
  void acceptsNestingOfExactlySixtyFour() throws ProtocolException {
    String payload = "[".repeat(62) + "]".repeat(62);

    Message.Request request =
        codec.decodeRequest(utf8("{\"request_id\":\"r1\",\"route\":\"x\",\"payload\":{\"a\":" + payload + "}}"));

    assertEquals(json("{\"a\":" + payload + "}"), request.payload());
  }

  // --- decodeRequest: every error

  @Test
  void emptyFrame() {
    assertFailure(new byte[0], ErrorCode.INVALID_JSON, null, null, "empty frame: a frame must carry a JSON object");
  }

  @Test
  void whitespaceOnlyFrame() {
    assertFailure(utf8(" \n\t"), ErrorCode.INVALID_JSON, null, null,
        "frame holds only whitespace: a frame must carry a JSON object");
  }

  @Test
  void invalidUtf8StartByte() {
    byte[] body = Bytes.concat(utf8("{\"request_id\":\""), Bytes.of(0xff), utf8("\",\"route\":\"x\"}"));

    assertFailure(body, ErrorCode.INVALID_JSON, null, null, "frame is not valid UTF-8: malformed byte 0xff at byte 15");
  }

  @Test
  void truncatedUtf8Sequence() {
    byte[] body = Bytes.concat(utf8("{\"a\":\""), Bytes.of(0xe2, 0x82), utf8("\"}"));

    assertFailure(body, ErrorCode.INVALID_JSON, null, null, "frame is not valid UTF-8: malformed byte 0xe2 at byte 6");
  }

  @Test
  void overlongUtf8ThatJacksonWouldAccept() {
    byte[] slashAsTwoBytes = Bytes.concat(utf8("{\"a\":\""), Bytes.of(0xc0, 0xaf), utf8("\"}"));

    assertFailure(slashAsTwoBytes, ErrorCode.INVALID_JSON, null, null,
        "frame is not valid UTF-8: malformed byte 0xc0 at byte 6");
  }

  @Test
  void encodedSurrogateThatJacksonWouldAccept() {
    byte[] body = Bytes.concat(utf8("{\"a\":\""), Bytes.of(0xed, 0xa0, 0x80), utf8("\"}"));

    assertFailure(body, ErrorCode.INVALID_JSON, null, null, "frame is not valid UTF-8: malformed byte 0xed at byte 6");
  }

  @Test
  void utf16ThatJacksonWouldAccept() {
    byte[] body = "{\"request_id\":\"r1\",\"route\":\"x\"}".getBytes(StandardCharsets.UTF_16LE);

    assertFailure(body, ErrorCode.INVALID_JSON, null, null, "frame is not UTF-8: byte 1 is 0x00 (UTF-16 or UTF-32 text?)");
  }

  @Test
  void malformedJson() {
    assertFailure(utf8("{\"request_id\":\"r1\" \"route\":\"x\"}"), ErrorCode.INVALID_JSON, null, null,
        "frame is not valid JSON: expected ',' or '}', found '\"' (at byte 19)");
  }

  @Test
  void aRepeatedKeyIsRefusedWhereverItIs() {
    assertFailure(utf8("{\"request_id\":\"r1\",\"route\":\"x\",\"request_id\":\"r2\"}"), ErrorCode.INVALID_JSON, null, null,
        "frame repeats the key \"request_id\" in the envelope (its second value at byte 44);"
            + " an object names each key once");
    assertFailure(utf8("{\"request_id\":\"r1\",\"route\":\"x\",\"payload\":{\"model\":\"a\",\"model\":\"b\"}}"),
        ErrorCode.INVALID_JSON, null, null,
        "frame repeats the key \"model\" in payload (its second value at byte 62);"
            + " an object names each key once");
    assertFailure(utf8("{\"request_id\":\"r1\",\"route\":\"x\",\"payload\":{\"m\":[{\"a\":1,\"a\":{}}],\"m\":[]}}"),
        ErrorCode.INVALID_JSON, null, null,
        "frame repeats the key \"a\" in payload.m[0] (its second value at byte 58);"
            + " an object names each key once");
    assertFailure(utf8("{\"request_id\":\"r1\",\"route\":\"x\",\"payload\":{},\"payload\":[1]}"), ErrorCode.INVALID_JSON, null, null,
        "frame repeats the key \"payload\" in the envelope (its second value at byte 54);"
            + " an object names each key once");
  }

  /**
   * A message about a frame quotes at most 64 characters of each part of it: a frame of megabytes would otherwise be
   * answered by a failure of megabytes, with no request id to send it in chunks under.
   */
  @Test
  void aMessageQuotesAtMostSixtyFourCharactersOfTheFrame() {
    String word = "t".repeat(2 << 20);
    String shown = "t".repeat(64) + "…";
    assertFailure(utf8("{\"request_id\":\"r1\",\"route\":\"x\",\"payload\":{\"a\": " + word + "}}"),
        ErrorCode.INVALID_JSON, null, null,
        "frame is not valid JSON: " + shown + " is not a JSON value; a value is a string in double quotes, a number, an"
            + " object, an array, true, false or null (at payload.a, byte 47)");
    String name = "n".repeat(40_000);
    StringBuilder deep = new StringBuilder("{\"request_id\":\"r1\",\"route\":\"x\",\"payload\":");
    for (int i = 0; i < 50; i++) {
      deep.append("{\"").append(name).append("\":");
    }
    deep.append("{\"k\":1,\"k\":2}").append("}".repeat(51));
    ProtocolException e = assertThrows(ProtocolException.class, () -> codec.decode(utf8(deep.toString())));
    assertEquals(ErrorCode.INVALID_JSON, e.code());
    assertTrue(e.getMessage().startsWith("frame repeats the key \"k\" in payload." + "n".repeat(64) + "….n"), e.getMessage());
    assertTrue(e.getMessage().length() < 4_000, e.getMessage().length() + " characters");
  }

  @Test
  void truncatedJsonSaysWhatItEndsInside() {
    assertFailure(utf8("{\"request_id\":\"r1\""), ErrorCode.INVALID_JSON, null, null,
        "frame is not valid JSON: it ends inside an object (at byte 18)");
    assertFailure(utf8("{\"request_id\":\"r1\",\"route\":\"x\",\"payload\":{\"a\":[1"), ErrorCode.INVALID_JSON, null, null,
        "frame is not valid JSON: it ends inside an array (at byte 48)");
    assertFailure(utf8("{\"request_id\":\"r1"), ErrorCode.INVALID_JSON, null, null,
        "frame is not valid JSON: it ends inside a string (at byte 17)");
    assertFailure(utf8("{\"requ"), ErrorCode.INVALID_JSON, null, null,
        "frame is not valid JSON: it ends inside a field name (at byte 6)");
    assertFailure(utf8("{\"request_id\":\"r1\","), ErrorCode.INVALID_JSON, null, null,
        "frame is not valid JSON: it ends inside an object (at byte 19)");
    assertFailure(utf8("{\"request_id\":\"r1\",\"route\":\"x\",\"payload\":{\"a\":[1,"), ErrorCode.INVALID_JSON, null, null,
        "frame is not valid JSON: it ends inside an array (at byte 49)");
  }

  @Test
  void aNumberOrAFieldNameOverItsLengthLimitIsNamed() {
    String digits = "1".repeat(1001);
    String name = "k".repeat(50_001);

    assertFailure(utf8("{\"request_id\":\"r1\",\"route\":\"x\",\"payload\":{\"n\":" + digits + "}}"), ErrorCode.INVALID_JSON, null, null,
        "frame exceeds a JSON limit: a number is longer than 1000 digits");
    assertFailure(utf8("{\"request_id\":\"r1\",\"route\":\"x\",\"payload\":{\"n\":[1," + digits + "]}}"), ErrorCode.INVALID_JSON, null, null,
        "frame exceeds a JSON limit: a number is longer than 1000 digits");
    assertFailure(utf8("{\"" + name + "\":1}"), ErrorCode.INVALID_JSON, null, null,
        "frame exceeds a JSON limit: a field name is longer than 50000 characters");
    assertFailure(utf8("{\"request_id\":\"r1\",\"" + name + "\":1}"), ErrorCode.INVALID_JSON, null, null,
        "frame exceeds a JSON limit: a field name is longer than 50000 characters");
  }

  @Test
  void trailingValue() {
    assertFailure(utf8("{\"request_id\":\"r1\",\"route\":\"x\"} {}"), ErrorCode.INVALID_JSON, null, null,
        "unexpected data after the JSON value at byte 32");
  }

  @Test
  void trailingGarbage() {
    assertFailure(utf8("{\"request_id\":\"r1\",\"route\":\"x\"}x"), ErrorCode.INVALID_JSON, null, null,
        "unexpected data after the JSON value at byte 31");
  }

  @Test
  void nestingOfSixtyFiveIsInvalidJson() {
    String payload = "[".repeat(63) + "]".repeat(63);

    assertFailure(utf8("{\"request_id\":\"r1\",\"route\":\"x\",\"payload\":{\"a\":" + payload + "}}"),
        ErrorCode.INVALID_JSON, null, null, "JSON nests deeper than 64 levels");
  }

  // --- decodeRequest: what strict JSON refuses, said in our words with the field path and the byte

  /** 41 bytes: a payload's first byte is byte 41. */
  private static final String REQUEST = "{\"request_id\":\"r1\",\"route\":\"x\",\"payload\":";

  @Test
  void nanAndInfinityAreNotNumbers() {
    assertInvalidPayload("{\"temperature\":NaN}",
        "NaN is not a number; JSON has no NaN or Infinity (at payload.temperature, byte 56)");
    assertInvalidPayload("{\"temperature\":Infinity}",
        "Infinity is not a number; JSON has no NaN or Infinity (at payload.temperature, byte 56)");
    assertInvalidPayload("{\"temperature\":-Infinity}",
        "-Infinity is not a number; JSON has no NaN or Infinity (at payload.temperature, byte 56)");
    assertInvalidPayload("{\"logits\":[0.5,NaN]}",
        "NaN is not a number; JSON has no NaN or Infinity (at payload.logits[1], byte 56)");
  }

  @Test
  void aNumberTakesNoPlusSignAndNoLeadingZero() {
    assertInvalidPayload("{\"top_k\":+1}", "+1 is not a number; JSON numbers take no '+' sign (at payload.top_k, byte 50)");
    assertInvalidPayload("{\"top_k\":01}", "01 is not a number; JSON numbers have no leading zeros (at payload.top_k, byte 50)");
    assertInvalidPayload("{\"top_k\":-01}", "-01 is not a number; JSON numbers have no leading zeros (at payload.top_k, byte 50)");
  }

  @Test
  void malformedNumbersAreQuoted() {
    for (String number : List.of(".5", "1.", "1e", "-", "0x1f")) {
      assertInvalidPayload("{\"top_p\":" + number + "}",
          number + " is not a number; JSON numbers look like 12, -0.5 or 1e-3 (at payload.top_p, byte 50)");
    }
  }

  @Test
  void commentsAreNotJson() {
    assertInvalidPayload("{/* sampling */\"top_k\":1}", "a comment; JSON has no comments (at payload, byte 42)");
    assertInvalidPayload("{\"top_k\":1 // sampling\n}", "a comment; JSON has no comments (at payload, byte 52)");
  }

  @Test
  void singleQuotesAndUnquotedNamesAreNotJson() {
    assertInvalidPayload("{\"role\":'user'}",
        "a string in single quotes; JSON strings take double quotes (at payload.role, byte 49)");
    assertInvalidPayload("{'role':\"user\"}", "a field name in single quotes; JSON takes double quotes (at payload, byte 42)");
    assertInvalidPayload("{role:\"user\"}", "field name role is not in double quotes (at payload, byte 42)");
  }

  @Test
  void trailingCommasAreNotJson() {
    assertInvalidPayload("{\"top_k\":1,}", "a comma before '}'; JSON allows no trailing comma (at payload, byte 52)");
    assertInvalidPayload("{\"stop\":[\"a\",]}",
        "a comma before ']'; JSON allows no trailing comma (at payload.stop[1], byte 54)");
  }

  @Test
  void misspelledLiteralsAreNamedWithWhatAValueCanBe() {
    assertInvalidPayload("{\"stream\":True}", "True is not a JSON value; a value is a string in double quotes, a number,"
        + " an object, an array, true, false or null (at payload.stream, byte 51)");
  }

  @Test
  void aMisplacedTokenIsNamedWithWhatWasExpected() {
    assertInvalidPayload("{\"top_k\" 1}", "expected ':' after the field name, found 1 (at payload, byte 50)");
    assertInvalidPayload("{\"top_k\":}", "expected a value, found '}' (at payload.top_k, byte 50)");
    assertInvalidPayload("{\"top_k\":1]}", "expected ',' or '}', found ']' (at payload, byte 51)");
    assertInvalidPayload("{\"stop\":[\"a\"}}", "expected ',' or ']', found '}' (at payload.stop, byte 53)");
    assertInvalidPayload("{,}", "expected a field name in double quotes or '}', found ',' (at payload, byte 42)");
    assertInvalidPayload("{\"top_k\":é}", "expected a value, found 'é' (at payload.top_k, byte 50)");
    assertInvalidPayload("{\"top_k\":\u0001}", "expected a value, found the control character U+0001 (at payload.top_k, byte 50)");
  }

  @Test
  void badStringContentIsNamed() {
    assertInvalidPayload("{\"prompt\":\"a\tb\"}",
        "a string holds the control character U+0009 unescaped; write it as \\u0009 (at payload.prompt, byte 53)");
    assertInvalidPayload("{\"prompt\":\"a\\qb\"}", "a string holds the invalid escape \\q; JSON escapes are \\\" \\\\"
        + " \\/ \\b \\f \\n \\r \\t and \\u followed by four hex digits (at payload.prompt, byte 53)");
  }

  @Test
  void badContentInAFieldNameIsNamedAtTheNamesObject() {
    String escapes = "; JSON escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\u followed by four hex digits";
    assertFailure(utf8("{\"re\\quest_id\":\"r1\"}"), ErrorCode.INVALID_JSON, null, null,
        "frame is not valid JSON: a string holds the invalid escape \\q" + escapes + " (at byte 4)");
    assertInvalidPayload("{\"a\\qb\":1}", "a string holds the invalid escape \\q" + escapes + " (at payload, byte 44)");
    assertInvalidPayload("{\"a\":1,\"b\\q\":1}", "a string holds the invalid escape \\q" + escapes + " (at payload, byte 50)");
    assertInvalidPayload("{\"a\u0001\":1}",
        "a string holds the control character U+0001 unescaped; write it as \\u0001 (at payload, byte 44)");
  }

  @Test
  void aBadWordThatRunsIntoAQuoteIsNamed() {
    assertFailure(utf8("{\"request_id\":\"r1\",\"route\":x\""), ErrorCode.INVALID_JSON, null, null,
        "frame is not valid JSON: x is not a JSON value; a value is a string in double quotes, a number, an object,"
            + " an array, true, false or null (at route, byte 27)");
    assertFailure(utf8("x\""), ErrorCode.INVALID_JSON, null, null,
        "frame is not valid JSON: x is not a JSON value; a value is a string in double quotes, a number, an object,"
            + " an array, true, false or null (at byte 0)");
  }

  @Test
  void noSyntaxErrorSpeaksJackson() {
    List<String> payloads = List.of(
        "{\"a\":NaN}", "{\"a\":+Infinity}", "{\"a\":+1}", "{\"a\":01}", "{/**/}", "{\"a\":1//\n}", "{\"a\":'b'}", "{'a':1}", "{a:1}",
        "{\"a\":1,}", "[1,]", "{\"a\":tru}", "{\"a\":nul}", "{\"a\":#}", "{\"a\" 1}", "{\"a\":1 \"b\":2}", "{\"a\":[,1]}",
        "{\"a\":1,,\"b\":2}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\x\"}", "{\"a\":\"\u0000\"}", "{\"a\":1]", "[1}", "{\"a\":\u007f}");
    for (String payload : payloads) {
      ProtocolException e = assertThrows(ProtocolException.class, () -> codec.decodeRequest(utf8(REQUEST + payload + "}")), payload);
      assertEquals(ErrorCode.INVALID_JSON, e.code(), payload);
      assertTrue(e.getMessage().startsWith("frame is not valid JSON: "), e.getMessage());
      for (String jackson : List.of("Jackson", "JsonToken", "Feature", "code ", "Source", "REDACTED", "`", "Unexpected", "Unrecognized")) {
        assertFalse(e.getMessage().contains(jackson), payload + " -> " + e.getMessage());
      }
    }
  }

  private void assertInvalidPayload(String payload, String message) {
    assertFailure(utf8(REQUEST + payload + "}"), ErrorCode.INVALID_JSON, null, null, "frame is not valid JSON: " + message);
  }

  @Test
  void nonObjectJson() {
    assertFailure(utf8("[1,2]"), ErrorCode.INVALID_REQUEST, null, null, "a request must be a JSON object, got an array");
    assertFailure(utf8("\"hi\""), ErrorCode.INVALID_REQUEST, null, null, "a request must be a JSON object, got a string");
    assertFailure(utf8("null"), ErrorCode.INVALID_REQUEST, null, null, "a request must be a JSON object, got null");
    assertFailure(utf8("7"), ErrorCode.INVALID_REQUEST, null, null, "a request must be a JSON object, got the number 7");
  }

  @Test
  void missingRequestId() {
    assertFailure(utf8("{\"route\":\"x\"}"), ErrorCode.INVALID_REQUEST, null, "request_id",
        "\"request_id\" must be a non-empty string, got nothing");
  }

  @Test
  void nonStringRequestId() {
    assertFailure(utf8("{\"request_id\":42,\"route\":\"x\"}"), ErrorCode.INVALID_REQUEST, null, "request_id",
        "\"request_id\" must be a non-empty string, got the number 42");
    assertFailure(utf8("{\"request_id\":null,\"route\":\"x\"}"), ErrorCode.INVALID_REQUEST, null, "request_id",
        "\"request_id\" must be a non-empty string, got null");
    assertFailure(utf8("{\"request_id\":\"\",\"route\":\"x\"}"), ErrorCode.INVALID_REQUEST, null, "request_id",
        "\"request_id\" must be a non-empty string, got an empty string");
  }

  @Test
  void overlongRoute() throws ProtocolException {
    assertFailure(utf8("{\"request_id\":\"r\",\"route\":\"" + "r".repeat(129) + "\"}"), ErrorCode.INVALID_REQUEST, "r", "route",
        "\"route\" is 129 characters; the limit is 128");
    assertEquals("r".repeat(128),
        codec.decodeRequest(utf8("{\"request_id\":\"r\",\"route\":\"" + "r".repeat(128) + "\"}")).route());
  }

  @Test
  void overlongRequestId() {
    String id = "i".repeat(257);

    assertFailure(utf8("{\"request_id\":\"" + id + "\",\"route\":\"x\"}"), ErrorCode.INVALID_REQUEST, null, "request_id",
        "\"request_id\" is 257 characters; the limit is 256");
  }

  @Test
  void missingRouteKnowsTheRequestId() {
    assertFailure(utf8("{\"request_id\":\"r1\"}"), ErrorCode.INVALID_REQUEST, "r1", "route",
        "\"route\" must be a non-empty string, got nothing");
  }

  @Test
  void nonStringRoute() {
    assertFailure(utf8("{\"request_id\":\"r1\",\"route\":[\"chat\"]}"), ErrorCode.INVALID_REQUEST, "r1", "route",
        "\"route\" must be a non-empty string, got an array");
  }

  @Test
  void nonObjectPayload() {
    assertFailure(utf8("{\"request_id\":\"r1\",\"route\":\"x\",\"payload\":true}"), ErrorCode.INVALID_REQUEST, "r1",
        "payload", "\"payload\" must be an object, got a boolean");
  }

  @Test
  void failureReplyToAnUnparseableFrameCarriesANullRequestId() {
    ProtocolException e = assertThrows(ProtocolException.class, () -> codec.decodeRequest(utf8("{\"request_id\":\"r1\",}")));

    assertEquals(
        "{\"request_id\":null,\"success\":false,\"error\":{\"code\":\"INVALID_JSON\",\"message\":\"frame is not valid"
            + " JSON: a comma before '}'; JSON allows no trailing comma (at byte 19)\","
            + "\"details\":{}}}",
        text(codec.encode(e.toFailure())));
  }

  // --- encode: exact text, request_id first

  @Test
  void encodesRequest() {
    assertEquals("{\"request_id\":\"r1\",\"route\":\"chat\",\"payload\":{\"max_tokens\":8}}",
        text(codec.encode(new Message.Request("r1", "chat", json("{\"max_tokens\":8}")))));
  }

  @Test
  void encodesSuccessWithSnakeCaseData() {
    record Usage(int promptTokens, int completionTokens) {}

    assertEquals("{\"request_id\":\"r1\",\"success\":true,\"data\":{\"prompt_tokens\":3,\"completion_tokens\":5}}",
        text(codec.encode(new Message.Success("r1", new Usage(3, 5)))));
  }

  @Test
  void encodesSuccessWithoutData() {
    assertEquals("{\"request_id\":\"r1\",\"success\":true,\"data\":null}",
        text(codec.encode(new Message.Success("r1", null))));
  }

  @Test
  void encodesFailure() {
    Message.Failure failure = new Message.Failure(
        "r1", ErrorBody.of(ErrorCode.VALIDATION_ERROR, "max_tokens must be at least 1", Map.of("field", "max_tokens")));

    assertEquals(
        "{\"request_id\":\"r1\",\"success\":false,\"error\":{\"code\":\"VALIDATION_ERROR\","
            + "\"message\":\"max_tokens must be at least 1\",\"details\":{\"field\":\"max_tokens\"}}}",
        text(codec.encode(failure)));
  }

  @Test
  void encodesEvent() {
    assertEquals("{\"request_id\":\"r1\",\"event\":\"token\",\"data\":{\"text\":\"Hel\"}}",
        text(codec.encode(new Message.Event("r1", "token", Map.of("text", "Hel")))));
  }

  @Test
  void encodesChunk() {
    assertEquals("{\"request_id\":\"r1\",\"chunk\":{\"seq\":1,\"total\":3},\"data\":\"{\\\"request_id\\\"\"}",
        text(codec.encode(new Message.Chunk("r1", 1, 3, "{\"request_id\""))));
  }

  @Test
  void encodesNonAsciiAsUtf8AndSurrogatesAsEscapes() {
    byte[] body = codec.encode(new Message.Success("r1", "é中\uD83D\uDE00\u0001"));

    assertEquals("{\"request_id\":\"r1\",\"success\":true,\"data\":\"é中\\uD83D\\uDE00\\u0001\"}", text(body));
    assertEquals(42 + 2 + 3 + 12 + 6 + 2, body.length);
  }

  // --- decode: every kind, round trips

  @Test
  void everyMessageKindRoundTrips() throws ProtocolException {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("field", "messages[0].role");
    details.put("allowed", List.of("system", "user"));
    List<Message> messages = List.of(
        new Message.Request("r1", "chat", json("{\"messages\":[{\"role\":\"user\",\"content\":\"hi \\\"you\\\"\"}]}")),
        new Message.Success("r2", json("{\"text\":\"é中\uD83D\uDE00\"}")),
        new Message.Success("r3", null),
        new Message.Failure("r4", ErrorBody.of(ErrorCode.VALIDATION_ERROR, "role must be system or user", details)),
        new Message.Failure(null, ErrorBody.of(ErrorCode.INVALID_JSON, "empty frame: a frame must carry a JSON object")),
        new Message.Event("r5", "token", json("{\"text\":\"\\n\"}")),
        new Message.Chunk("r6", 2, 3, "\"}}\u0000\\"));

    for (Message message : messages) {
      assertEquals(message, codec.decode(codec.encode(message)), message.toString());
    }
  }

  @Test
  void decodeTellsKindsApartByTheirKeys() throws ProtocolException {
    assertEquals(new Message.Event("r1", "done", null), codec.decode(utf8("{\"request_id\":\"r1\",\"event\":\"done\"}")));
    assertEquals(new Message.Request("r1", "x", json("{}")), codec.decode(utf8("{\"request_id\":\"r1\",\"route\":\"x\"}")));
  }

  @Test
  void decodeRefusesNonObjectEnvelopes() {
    ProtocolException e = assertThrows(ProtocolException.class, () -> codec.decode(utf8("[]")));

    assertEquals(ErrorCode.INVALID_REQUEST, e.code());
    assertEquals("an envelope must be a JSON object, got an array", e.getMessage());
  }

  @Test
  void decodeRefusesMalformedReplies() {
    assertDecodeFailure("{\"success\":true,\"data\":1}", null, "request_id",
        "\"request_id\" must be a non-empty string, got nothing");
    assertDecodeFailure("{\"request_id\":\"r1\",\"success\":\"yes\"}", "r1", "success",
        "\"success\" must be true or false, got a string");
    assertDecodeFailure("{\"request_id\":\"r1\",\"success\":false}", "r1", "error",
        "\"error\" must be an object, got nothing");
    assertDecodeFailure("{\"request_id\":\"r1\",\"success\":false,\"error\":{\"message\":\"m\"}}", "r1", "error.code",
        "\"error.code\" must be a non-empty string, got nothing");
    assertDecodeFailure("{\"request_id\":\"r1\",\"success\":false,\"error\":{\"code\":\"X\"}}", "r1", "error.message",
        "\"error.message\" must be a string, got nothing");
    assertDecodeFailure("{\"request_id\":\"r1\",\"success\":false,\"error\":{\"code\":\"X\",\"message\":\"m\",\"details\":[]}}",
        "r1", "error.details", "\"error.details\" must be an object, got an array");
    assertDecodeFailure("{\"request_id\":\"r1\",\"event\":7}", "r1", "event",
        "\"event\" must be a non-empty string, got the number 7");
  }

  @Test
  void decodeRefusesAnEventWithASuccessKey() {
    assertDecodeFailure("{\"request_id\":\"r1\",\"event\":\"token\",\"success\":true,\"data\":{}}", "r1", "success",
        "an event has no \"success\" key; a frame with both is neither an event nor a final reply");
  }

  @Test
  void decodeRefusesMalformedChunks() {
    assertDecodeFailure("{\"request_id\":\"r1\",\"chunk\":[0,2],\"data\":\"x\"}", "r1", "chunk",
        "\"chunk\" must be an object, got an array");
    assertDecodeFailure("{\"request_id\":\"r1\",\"chunk\":{\"seq\":0},\"data\":\"x\"}", "r1", "chunk.total",
        "\"chunk.total\" must be a positive integer, got nothing");
    assertDecodeFailure("{\"request_id\":\"r1\",\"chunk\":{\"seq\":0,\"total\":0},\"data\":\"x\"}", "r1", "chunk.total",
        "\"chunk.total\" must be a positive integer, got the number 0");
    assertDecodeFailure("{\"request_id\":\"r1\",\"chunk\":{\"seq\":2,\"total\":2},\"data\":\"x\"}", "r1", "chunk.seq",
        "\"chunk.seq\" must be an integer from 0 to 1, got the number 2");
    assertDecodeFailure("{\"request_id\":\"r1\",\"chunk\":{\"seq\":\"0\",\"total\":2},\"data\":\"x\"}", "r1", "chunk.seq",
        "\"chunk.seq\" must be an integer from 0 to 1, got a string");
    assertDecodeFailure("{\"request_id\":\"r1\",\"chunk\":{\"seq\":0,\"total\":2},\"data\":{}}", "r1", "data",
        "\"data\" must be a string, got an object");
  }

  private void assertDecodeFailure(String body, String requestId, String field, String message) {
    ProtocolException e = assertThrows(ProtocolException.class, () -> codec.decode(utf8(body)), body);
    assertEquals(ErrorCode.INVALID_REQUEST, e.code(), body);
    assertEquals(requestId, e.requestId(), body);
    assertEquals(field, e.toFailure().error().field(), body);
    assertEquals(message, e.getMessage(), body);
  }

  private void assertFailure(byte[] body, ErrorCode code, String requestId, String field, String message) {
    ProtocolException e = assertThrows(ProtocolException.class, () -> codec.decodeRequest(body));
    assertEquals(code, e.code());
    assertEquals(requestId, e.requestId());
    assertEquals(message, e.getMessage());
    Message.Failure failure = e.toFailure();
    assertEquals(requestId, failure.requestId());
    assertEquals(code.name(), failure.error().code());
    assertEquals(field, failure.error().field());
    if (field == null) {
      assertNull(failure.error().details().get("field"));
    }
  }

  private JsonNode json(String text) {
    try {
      return mapper.readTree(text);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(UTF_8);
  }

  private static String text(byte[] body) {
    return new String(body, UTF_8);
  }
}
