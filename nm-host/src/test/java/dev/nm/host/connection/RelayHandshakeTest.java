package dev.nm.host.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
        "{\"relay\":{\"version\":1,\"origin\":\"" + ORIGIN + "\",\"pipes_of\":4242}}",
        new String(frame, StandardCharsets.UTF_8));
    assertEquals(new RelayHandshake(ORIGIN, 4242), RelayHandshake.read(frame));
  }

  @Test
  void anOriginNeedingEscapesReadsBackUnchanged() throws ProtocolException {
    String origin = "firefox:{\"quoted\"}\\back\u0001slash\u00e9\ud83d\ude00@example.org";

    assertEquals(new RelayHandshake(origin, 0), RelayHandshake.read(RelayHandshake.frame(origin)));
    assertEquals(new RelayHandshake(origin, 7), RelayHandshake.read(new RelayHandshake(origin, 7).toFrame()));
  }

  @Test
  void pipesOfMustBeAProcessId() {
    for (String pipesOf : new String[] {"0", "-3", "1.5", "\"42\"", "null", "99999999999999999999"}) {
      byte[] frame = ("{\"relay\":{\"version\":1,\"origin\":\"o\",\"pipes_of\":" + pipesOf + "}}").getBytes(StandardCharsets.UTF_8);

      ProtocolException e = assertThrows(ProtocolException.class, () -> RelayHandshake.read(frame), pipesOf);
      assertEquals(ErrorCode.INVALID_REQUEST, e.code());
      assertEquals("relay.pipes_of must be the relay's process id, a positive integer; it is " + pipesOf, e.getMessage());
    }
  }

  @Test
  void aRefusalCarriesItsReasonAsJson() {
    assertEquals(
        "{\"relay\":{\"pipes\":\"refused\",\"reason\":\"the relay's stdin is /dev/null, not a \\\"pipe\\\"\"}}",
        new String(RelayHandshake.pipesRefused("the relay's stdin is /dev/null, not a \"pipe\""), StandardCharsets.UTF_8));
  }
}
