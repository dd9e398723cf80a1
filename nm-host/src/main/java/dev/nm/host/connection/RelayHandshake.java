package dev.nm.host.connection;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.protocol.ErrorCode;
import dev.nm.protocol.Json;
import dev.nm.protocol.ProtocolException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The first frame a relay sends on the resident host's Unix-domain socket, naming the browser origin it
 * speaks for:
 *
 * <pre>{@code {"relay": {"version": 1, "origin": "chrome-extension://abcdefghijklmnopabcdefghijklmnop/"}}}</pre>
 *
 * After it the socket carries ordinary frames both ways, with the same framing and limits as a browser port.
 */
public final class RelayHandshake {
  /** The only relay protocol version this host speaks. */
  public static final int VERSION = 1;

  private static final byte[] FRAME_START =
      ("{\"relay\":{\"version\":" + VERSION + ",\"origin\":\"").getBytes(StandardCharsets.UTF_8);
  private static final byte[] FRAME_END = "\"}}".getBytes(StandardCharsets.UTF_8);

  private RelayHandshake() {}

  /**
   * Reads the caller's origin from a handshake frame.
   *
   * @throws ProtocolException {@link ErrorCode#INVALID_REQUEST} saying what the frame lacks
   */
  public static String origin(byte[] frame) throws ProtocolException {
    JsonNode relay;
    try {
      relay = Json.mapper().readTree(frame).path("relay");
    } catch (IOException e) {
      throw invalid("the relay handshake is not JSON");
    }
    if (!relay.isObject()) {
      throw invalid("the first frame on this socket must be {\"relay\": {\"version\": 1, \"origin\": \"...\"}}");
    }
    if (!relay.path("version").isInt() || relay.path("version").intValue() != VERSION) {
      throw invalid("relay version " + relay.path("version") + " is not supported; this host speaks version " + VERSION);
    }
    JsonNode origin = relay.path("origin");
    if (!origin.isTextual() || origin.textValue().isBlank()) {
      throw invalid("the relay handshake must name the caller's origin in relay.origin");
    }
    return origin.textValue();
  }

  /**
   * The handshake frame a relay sends for {@code origin}. Written without JSON binding, which a relay loads
   * only when something goes wrong: it runs on every browser launch.
   */
  public static byte[] frame(String origin) {
    ByteArrayOutputStream frame = new ByteArrayOutputStream(FRAME_START.length + origin.length() + FRAME_END.length);
    frame.writeBytes(FRAME_START);
    frame.writeBytes(JsonStringEncoder.getInstance().quoteAsUTF8(origin));
    frame.writeBytes(FRAME_END);
    return frame.toByteArray();
  }

  private static ProtocolException invalid(String message) {
    return new ProtocolException(ErrorCode.INVALID_REQUEST, null, message);
  }
}
