package dev.nm.host.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nm.protocol.ProtocolException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RelayHandshakeTest {
  @Test
  void aFrameNamesVersionAndOrigin() {
    byte[] frame = RelayHandshake.frame("chrome-extension://abcdefghijklmnopabcdefghijklmnop/");

    assertEquals(
        "{\"relay\":{\"version\":1,\"origin\":\"chrome-extension://abcdefghijklmnopabcdefghijklmnop/\"}}",
        new String(frame, StandardCharsets.UTF_8));
  }

  @Test
  void anOriginNeedingEscapesReadsBackUnchanged() throws ProtocolException {
    String origin = "firefox:{\"quoted\"}\\back\u0001slash\u00e9\ud83d\ude00@example.org";

    assertEquals(origin, RelayHandshake.origin(RelayHandshake.frame(origin)));
  }
}
