package dev.nm.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nm.host.cli.RatioRouteTable;
import dev.nm.protocol.ErrorBody;
import dev.nm.protocol.Message;
import dev.nm.route.Services;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every kind of bad input gets one failure with a stable code; the connection stays usable unless framing broke. */
@Timeout(20)
class BadInputTest {
  final NativeMessagingServer server =
      NativeMessagingServer.builder()
          .routes(new TestRoutes(), new RatioRouteTable())
          .services(Services.builder().add(TestRoutes.Gate.class, new TestRoutes.Gate()).build())
          .config(HostConfig.permissive())
          .build();
  final PipeClient client = PipeClient.connect(server, ConnectionTest.ORIGIN);

  @AfterEach
  void tearDown() {
    client.close();
    server.close();
  }

  private ErrorBody failureFor(String body) {
    client.sendBody(body);
    return ((Message.Failure) client.next()).error();
  }

  private void assertStillServes() {
    assertEquals("ok", client.ok("probe", "echo", "{\"text\": \"ok\"}").get("text").asText());
  }

  @Test
  void zeroLengthFrame() {
    client.sendBody(new byte[0]);
    Message.Failure failure = (Message.Failure) client.next();
    assertNull(failure.requestId());
    assertEquals("INVALID_JSON", failure.error().code());
    assertStillServes();
  }

  @Test
  void invalidUtf8() {
    client.sendBody(new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'});
    assertEquals("INVALID_JSON", ((Message.Failure) client.next()).error().code());
    assertStillServes();
  }

  @Test
  void nonObjectJson() {
    assertEquals("INVALID_REQUEST", failureFor("[1, 2]").code());
    assertStillServes();
  }

  @Test
  void deepNesting() {
    String deep = "[".repeat(200) + "]".repeat(200);
    assertEquals("INVALID_JSON", failureFor("{\"request_id\":\"1\",\"route\":\"echo\",\"payload\":" + deep + "}").code());
    assertStillServes();
  }

  @Test
  void whatStrictJsonRefusesIsInvalidJsonSaidInOurWords() {
    String request = "{\"request_id\":\"1\",\"route\":\"echo\",\"payload\":";
    List<String> messages = List.of(
        "NaN is not a number; JSON has no NaN or Infinity (at payload.count, byte 52)",
        "+1 is not a number; JSON numbers take no '+' sign (at payload.count, byte 52)",
        "01 is not a number; JSON numbers have no leading zeros (at payload.count, byte 52)",
        "a comment; JSON has no comments (at payload, byte 54)",
        "a string in single quotes; JSON strings take double quotes (at payload.text, byte 51)",
        "field name count is not in double quotes (at payload, byte 44)",
        "a comma before '}'; JSON allows no trailing comma (at payload, byte 54)");
    List<String> payloads = List.of(
        "{\"count\":NaN}", "{\"count\":+1}", "{\"count\":01}", "{\"count\":1 /* */}", "{\"text\":'a'}", "{count:1}",
        "{\"count\":1,}");
    for (int i = 0; i < payloads.size(); i++) {
      client.sendBody(request + payloads.get(i) + "}");
      Message.Failure failure = (Message.Failure) client.next();
      assertNull(failure.requestId());
      assertEquals("INVALID_JSON", failure.error().code());
      assertEquals("frame is not valid JSON: " + messages.get(i), failure.error().message());
      assertStillServes();
    }
  }

  @Test
  void numberTooLargeForADoubleNamesTheField() {
    // Sent as text: a client's own tree holds 1e400 as Infinity, which no encoder writes.
    ErrorBody error = failureFor(
        "{\"request_id\":\"1\",\"route\":\"test.ratio\",\"payload\":{\"numerator\":1e400,\"denominator\":1}}");
    assertEquals("VALIDATION_ERROR", error.code());
    assertEquals("numerator", error.field());
    assertEquals(
        "numerator: expected a number from -1.7976931348623157E308 to 1.7976931348623157E308, got one beyond that range",
        error.message());
    assertStillServes();
  }

  @Test
  void aReplyHoldingNaNIsAnInternalErrorNotAString() {
    Message.Failure failure = client.fail("nan", RatioRouteTable.ROUTE, "{\"numerator\": 0, \"denominator\": 0}");
    assertEquals("INTERNAL_ERROR", failure.error().code());
    assertEquals(
        "the reply could not be encoded as JSON; the host log has the details under request_id nan", failure.error().message());
    assertEquals(0.5, client.ok("2", RatioRouteTable.ROUTE, "{\"numerator\": 1, \"denominator\": 2}").get("ratio").asDouble());
  }

  @Test
  void missingRoute() {
    ErrorBody error = failureFor("{\"request_id\": \"7\", \"payload\": {}}");
    assertEquals("INVALID_REQUEST", error.code());
    assertEquals("route", error.field());
    assertStillServes();
  }

  @Test
  void missingRequestId() {
    ErrorBody error = failureFor("{\"route\": \"echo\"}");
    assertEquals("INVALID_REQUEST", error.code());
    assertEquals("request_id", error.field());
    assertStillServes();
  }

  @Test
  void unknownRouteSuggestsNearNames() {
    Message.Failure failure = client.fail("1", "ecoh", "{}");
    assertEquals("ROUTE_NOT_FOUND", failure.error().code());
    assertEquals(List.of("echo"), failure.error().details().get("did_you_mean"));
    assertEquals(
        "no route named 'ecoh'. Did you mean 'echo'? Call 'routes' to list every route this host serves.",
        failure.error().message());
    assertStillServes();
  }

  @Test
  void wrongTypeNamesTheFieldAndTheExpectedType() {
    ErrorBody error = client.fail("1", "echo", "{\"text\": \"a\", \"count\": \"three\"}").error();
    assertEquals("VALIDATION_ERROR", error.code());
    assertEquals("count", error.field());
    assertEquals("count: expected an integer, got \"three\"", error.message());
    assertStillServes();
  }

  @Test
  void wrongTypeInsideAListNamesTheWirePath() {
    ErrorBody error =
        client.fail("1", "chat", "{\"messages\": [{\"role\": \"user\"}, {\"role\": [1]}]}").error();
    assertEquals("messages[1].role", error.field());
    assertEquals("messages[1].role: expected a string", error.message());
  }

  @Test
  void numberTooLargeForItsTypeNamesTheFieldAndTheRange() {
    ErrorBody error = client.fail("1", "echo", "{\"text\": \"a\", \"count\": 99999999999}").error();
    assertEquals("VALIDATION_ERROR", error.code());
    assertEquals("count", error.field());
    assertEquals("count: expected an integer from -2147483648 to 2147483647, got 99999999999", error.message());
    assertStillServes();
  }

  @Test
  void fractionForAnIntegerFieldIsRefusedNotTruncated() {
    ErrorBody error = client.fail("1", "echo", "{\"text\": \"a\", \"count\": 1.5}").error();
    assertEquals("VALIDATION_ERROR", error.code());
    assertEquals("count", error.field());
    assertEquals("count: expected an integer, got 1.5", error.message());
    assertStillServes();
  }

  @Test
  void outOfRangeValue() {
    ErrorBody error = client.fail("1", "echo", "{\"text\": \"a\", \"count\": 11}").error();
    assertEquals("VALIDATION_ERROR", error.code());
    assertEquals("count", error.field());
    assertEquals("count: must be less than or equal to 10", error.message());
  }

  @Test
  void constraintInsideAListNamesTheWirePath() {
    ErrorBody error =
        client.fail("1", "chat", "{\"messages\": [{\"role\": \"user\"}, {\"role\": \"robot\"}], \"max_tokens\": 5}").error();
    assertEquals("messages[1].role", error.field());
    assertEquals("messages[1].role: must match \"system|user|assistant\"", error.message());
  }

  @Test
  void everyViolationIsListed() {
    ErrorBody error = client.fail("1", "chat", "{\"messages\": [{\"role\": \"\"}]}").error();
    assertEquals("messages[0].role", error.field());
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> violations = (List<Map<String, Object>>) error.details().get("violations");
    assertEquals(2, violations.size(), violations.toString());
    assertEquals(
        List.of("must match \"system|user|assistant\"", "must not be blank"),
        violations.stream().map(v -> v.get("message")).toList());
  }

  @Test
  void missingRequiredField() {
    ErrorBody error = client.fail("1", "echo", "{}").error();
    assertEquals("text", error.field());
    assertEquals("text: must not be null", error.message());
  }

  @Test
  void unknownFieldIsNamedWithTheKnownOnes() {
    ErrorBody error = client.fail("1", "echo", "{\"text\": \"a\", \"colour\": \"red\"}").error();
    assertEquals("VALIDATION_ERROR", error.code());
    assertEquals("colour", error.field());
    assertEquals("colour: unknown field 'colour'; known fields are count, text", error.message());
  }

  @Test
  void payloadOfTheWrongKind() {
    ErrorBody error = client.fail("1", "echo", "[1]").error();
    assertEquals("payload", error.field());
  }

  @Test
  void requestValidatorRunsAfterConstraints() {
    ErrorBody error = client.fail("1", "range", "{\"min\": 5, \"max\": 2}").error();
    assertEquals("max", error.field());
    assertEquals("max: must be at least min (5)", error.message());
    assertEquals("5..9", client.ok("2", "range", "{\"min\": 5, \"max\": 9}").get("value").asText());
  }

  @Test
  void duplicateRequestIdIsRefusedWhileTheFirstIsInFlight() throws Exception {
    TestRoutes.Gate gate = new TestRoutes.Gate();
    try (NativeMessagingServer gated =
            NativeMessagingServer.builder()
                .routes(new TestRoutes())
                .services(Services.builder().add(TestRoutes.Gate.class, gate).build())
                .config(HostConfig.permissive())
                .build();
        PipeClient gatedClient = PipeClient.connect(gated, ConnectionTest.ORIGIN)) {
      gatedClient.send("same", "hold", "{}");
      gate.awaitEntered(1);
      gatedClient.send("same", "echo", "{\"text\": \"dup\"}");
      Message.Failure duplicate = (Message.Failure) gatedClient.next();
      assertEquals("same", duplicate.requestId());
      assertEquals("INVALID_REQUEST", duplicate.error().code());
      assertEquals("request_id", duplicate.error().field());
      gate.release.countDown();
      Message.Success first = (Message.Success) gatedClient.next();
      assertEquals("held same", ((com.fasterxml.jackson.databind.JsonNode) first.data()).get("value").asText());
    }
  }

  @Test
  void truncatedFrameGetsOneFailureThenTheConnectionCloses() throws Exception {
    ByteBuffer partial = ByteBuffer.allocate(4 + 3).order(ByteOrder.nativeOrder());
    partial.putInt(10).put(new byte[] {'{', '"', 'a'}).flip();
    client.sendRaw(partial);
    client.closeOutput();
    Message.Failure failure = (Message.Failure) client.next();
    assertNull(failure.requestId());
    assertEquals("INVALID_FRAME", failure.error().code());
    assertTrue(failure.error().message().startsWith("stream ended inside a frame after 3 of 10 body bytes"), failure.error().message());
    client.connection.await();
    assertNull(client.next());
  }

  @Test
  void oversizedLengthGetsOneFailureThenTheConnectionCloses() throws Exception {
    ByteBuffer header = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder());
    header.putInt(-1).flip();
    client.sendRaw(header);
    Message.Failure failure = (Message.Failure) client.next();
    assertNull(failure.requestId());
    assertEquals("MESSAGE_TOO_LARGE", failure.error().code());
    client.connection.await();
    assertNull(client.next());
  }
}
