package dev.nm.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad numbers and JSON that is not strict JSON, through a real host process started as a browser starts it
 * (relay to the daemon): each frame gets its exact error, and the connection still answers {@code hello}.
 */
@Timeout(60)
class BadInputProcessTest {
  @TempDir static Path home;
  static HostProcess host;

  @BeforeAll
  static void startTheHost() throws Exception {
    Files.writeString(home.resolve("config.json"),
        "{\"origins\": {\"" + HostProcess.ORIGIN + "\": {\"scopes\": []}}, \"idle_timeout_seconds\": 120}");
    host = HostProcess.browserLaunch(home, Map.of());
  }

  @AfterAll
  static void stopTheHostAndTheDaemon() throws Exception {
    host.close();
    HostProcess.run(home, "daemon", "stop");
  }

  @Test
  void nanIsInvalidJsonSaidInOurWords() throws Exception {
    JsonNode reply = exchange("{\"request_id\":\"n1\",\"route\":\"test.ratio\",\"payload\":{\"numerator\":NaN,\"denominator\":1}}");

    assertEquals("{\"request_id\":null,\"success\":false,\"error\":{\"code\":\"INVALID_JSON\",\"message\":\"frame is not valid"
        + " JSON: NaN is not a number; JSON has no NaN or Infinity (at payload.numerator, byte 63)\",\"details\":{}}}",
        reply.toString());
    assertStillServes();
  }

  @Test
  void aTrailingCommaIsInvalidJsonSaidInOurWords() throws Exception {
    JsonNode reply = exchange("{\"request_id\":\"c1\",\"route\":\"hello\",}");

    assertEquals("INVALID_JSON", reply.path("error").path("code").asText());
    assertEquals("frame is not valid JSON: a comma before '}'; JSON allows no trailing comma (at byte 35)",
        reply.path("error").path("message").asText());
    assertStillServes();
  }

  @Test
  void aRepeatedKeyIsInvalidJsonNamingTheKey() throws Exception {
    JsonNode reply = exchange("{\"request_id\":\"d1\",\"route\":\"test.ratio\",\"payload\":{\"numerator\":1,\"numerator\":2,\"denominator\":1}}");

    assertEquals("{\"request_id\":null,\"success\":false,\"error\":{\"code\":\"INVALID_JSON\",\"message\":\"frame repeats the"
        + " key \\\"numerator\\\" in payload (its second value at byte 77); an object names each key once\",\"details\":{}}}",
        reply.toString());
    assertStillServes();
  }

  @Test
  void aNumberBeyondADoubleIsAValidationErrorNamingTheField() throws Exception {
    JsonNode reply = exchange("{\"request_id\":\"v1\",\"route\":\"test.ratio\",\"payload\":{\"numerator\":1,\"denominator\":-1e400}}");

    assertEquals("v1", reply.path("request_id").asText());
    assertEquals("VALIDATION_ERROR", reply.path("error").path("code").asText());
    assertEquals("denominator", reply.path("error").path("details").path("field").asText());
    assertEquals("denominator: expected a number from -1.7976931348623157E308 to 1.7976931348623157E308, got one beyond"
        + " that range", reply.path("error").path("message").asText());
    assertStillServes();
  }

  @Test
  void aReplyHoldingNaNIsAnInternalErrorNotAString() throws Exception {
    JsonNode reply = exchange("{\"request_id\":\"i1\",\"route\":\"test.ratio\",\"payload\":{\"numerator\":0,\"denominator\":0}}");

    assertEquals("{\"request_id\":\"i1\",\"success\":false,\"error\":{\"code\":\"INTERNAL_ERROR\",\"message\":\"the reply could"
        + " not be encoded as JSON; the host log has the details under request_id i1\",\"details\":{}}}", reply.toString());
    assertStillServes();
  }

  private static JsonNode exchange(String frame) throws Exception {
    host.send(frame);
    return host.receive(Duration.ofSeconds(30));
  }

  private static void assertStillServes() throws Exception {
    JsonNode hello = host.call("hello", "hello", "{}");
    assertTrue(hello.path("success").asBoolean(), hello::toString);
  }
}
