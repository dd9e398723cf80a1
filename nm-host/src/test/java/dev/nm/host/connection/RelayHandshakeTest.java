package dev.nm.host.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nm.protocol.ErrorCode;
import dev.nm.protocol.ProtocolException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RelayHandshakeTest {
  private static final String ORIGIN = "chrome-extension://abcdefghijklmnopabcdefghijklmnop/";

  @Test
  void aRelayingFrameNamesVersionAndOrigin() {
    assertEquals(
        "{\"relay\":{\"version\":1,\"origin\":\"" + ORIGIN + "\"}}",
        new String(RelayHandshake.frame(ORIGIN), StandardCharsets.UTF_8));
  }

  @Test
  void aFrameOfferingPipesNamesTheRelaysProcess() throws ProtocolException {
    byte[] frame = new RelayHandshake(ORIGIN, 4242).toFrame();

    assertEquals(
        "{\"relay\":{\"version\":2,\"origin\":\"" + ORIGIN + "\",\"pipes_of\":4242}}",
        new String(frame, StandardCharsets.UTF_8));
    assertEquals(new RelayHandshake(ORIGIN, 4242), RelayHandshake.read(frame));
  }

  @Test
  void anOriginNeedingEscapesReadsBackUnchanged() throws ProtocolException {
    String origin = "firefox:{\"quoted\"}\\backslash\u00e9\ud83d\ude00@example.org";

    assertEquals(new RelayHandshake(origin, 0), RelayHandshake.read(RelayHandshake.frame(origin)));
    assertEquals(new RelayHandshake(origin, 7), RelayHandshake.read(new RelayHandshake(origin, 7).toFrame()));
  }

  /** An origin ends up in logs, the audit log and settings keys: no line breaks, no megabytes. */
  @Test
  void anOriginWithAControlCharacterOrOfAnyLengthIsRefused() {
    assertInvalid("relay.origin holds a control character (U+000A) at 17",
        RelayHandshake.frame("chrome-extension:\n//abcdefghijklmnopabcdefghijklmnop/"));
    assertInvalid("relay.origin is 513 characters long; an origin has at most 512",
        RelayHandshake.frame("firefox:" + "a".repeat(505)));
  }

  @Test
  void pipesOfMustBeAProcessId() {
    for (String pipesOf : new String[] {"0", "-3", "1.5", "\"42\"", "null", "99999999999999999999"}) {
      byte[] frame = ("{\"relay\":{\"version\":2,\"origin\":\"o\",\"pipes_of\":" + pipesOf + "}}").getBytes(StandardCharsets.UTF_8);

      assertInvalid("relay.pipes_of must be the relay's process id, a positive integer; it is " + pipesOf, frame);
    }
    assertInvalid(
        "relay.pipes_of must be the relay's process id, a positive integer; it is ",
        "{\"relay\":{\"version\":2,\"origin\":\"o\"}}".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void versionOneRelaysFramesAndVersionTwoOffersPipes() {
    assertInvalid(
        "relay version 1 relays frames; offer pipes with relay version 2",
        "{\"relay\":{\"version\":1,\"origin\":\"o\",\"pipes_of\":42}}".getBytes(StandardCharsets.UTF_8));
    assertInvalid(
        "relay version 3 is not supported; this host speaks versions 1 (frames) and 2 (pipes)",
        "{\"relay\":{\"version\":3,\"origin\":\"o\"}}".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aRefusalIsToldFromOtherFrames() {
    assertTrue(RelayHandshake.isPipesRefused(RelayHandshake.pipesRefused("no /proc")));
    assertFalse(RelayHandshake.isPipesRefused(RelayHandshake.PIPES_RELEASED));
    assertFalse(RelayHandshake.isPipesRefused("{}".getBytes(StandardCharsets.UTF_8)));
    assertFalse(RelayHandshake.isPipesRefused(
        "{\"request_id\":null,\"success\":false,\"error\":{\"code\":\"INVALID_REQUEST\"}}".getBytes(StandardCharsets.UTF_8)));
  }

  private static void assertInvalid(String message, byte[] frame) {
    ProtocolException e = assertThrows(ProtocolException.class, () -> RelayHandshake.read(frame));
    assertEquals(ErrorCode.INVALID_REQUEST, e.code());
    assertEquals(message, e.getMessage());
  }

  @Test
  void aRefusalCarriesItsReasonAsJson() {
    assertEquals(
        "{\"relay\":{\"pipes\":\"refused\",\"reason\":\"the relay's stdin is /dev/null, not a \\\"pipe\\\"\"}}",
        new String(RelayHandshake.pipesRefused("the relay's stdin is /dev/null, not a \"pipe\""), StandardCharsets.UTF_8));
  }
}
