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
 * speaks for and, optionally, offering the browser's pipes:
 *
 * <pre>{@code {"relay": {"version": 1, "origin": "chrome-extension://abcdefghijklmnopabcdefghijklmnop/", "pipes_of": 4242}}}</pre>
 *
 * Without {@code pipes_of} the socket then carries ordinary frames both ways, with the same framing and limits
 * as a browser port. With it (the relay's process id), the resident host reads and writes the relay's stdin
 * and stdout itself ({@link BrowserPipes}), and the socket carries one frame back: {@link #PIPES_RELEASED} once
 * the port has ended, or, if the host cannot take the pipes, {@link #pipesRefused} followed by ordinary frames.
 *
 * @param origin the caller's origin, as the browser gave it to the relay
 * @param pipesOf the process id of the relay offering its stdin and stdout, or 0 if it relays frames
 */
public record RelayHandshake(String origin, long pipesOf) {
  /** The only relay protocol version this host speaks. */
  public static final int VERSION = 1;

  /** The resident host's frame telling a relay that the port it handed over has ended: the relay exits. */
  public static final byte[] PIPES_RELEASED = "{\"relay\":{\"pipes\":\"released\"}}".getBytes(StandardCharsets.UTF_8);

  private static final byte[] FRAME_START =
      ("{\"relay\":{\"version\":" + VERSION + ",\"origin\":\"").getBytes(StandardCharsets.UTF_8);
  private static final byte[] PIPES_OF = "\",\"pipes_of\":".getBytes(StandardCharsets.UTF_8);
  private static final byte[] FRAME_END = "}}".getBytes(StandardCharsets.UTF_8);

  /**
   * Reads a handshake frame.
   *
   * @throws ProtocolException {@link ErrorCode#INVALID_REQUEST} saying what the frame lacks
   */
  public static RelayHandshake read(byte[] frame) throws ProtocolException {
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
    JsonNode pipesOf = relay.path("pipes_of");
    if (!pipesOf.isMissingNode() && !(pipesOf.isIntegralNumber() && pipesOf.canConvertToLong() && pipesOf.longValue() > 0)) {
      throw invalid("relay.pipes_of must be the relay's process id, a positive integer; it is " + pipesOf);
    }
    return new RelayHandshake(origin.textValue(), pipesOf.isMissingNode() ? 0 : pipesOf.longValue());
  }

  /** Whether the relay offers its stdin and stdout to the resident host. */
  public boolean offersPipes() {
    return pipesOf != 0;
  }

  /** The handshake of a relay that passes frames on for {@code origin}. */
  public static byte[] frame(String origin) {
    return new RelayHandshake(origin, 0).toFrame();
  }

  /**
   * This handshake as a frame. Written without JSON binding, which a relay loads only when something goes
   * wrong: it runs on every browser launch.
   */
  public byte[] toFrame() {
    ByteArrayOutputStream frame = new ByteArrayOutputStream(FRAME_START.length + origin.length() + 40);
    frame.writeBytes(FRAME_START);
    frame.writeBytes(JsonStringEncoder.getInstance().quoteAsUTF8(origin));
    if (offersPipes()) {
      frame.writeBytes(PIPES_OF);
      frame.writeBytes(Long.toString(pipesOf).getBytes(StandardCharsets.US_ASCII));
      frame.writeBytes(FRAME_END);
    } else {
      frame.write('"');
      frame.writeBytes(FRAME_END);
    }
    return frame.toByteArray();
  }

  /**
   * The resident host's frame telling a relay that it cannot take its pipes, and why; ordinary relaying
   * follows on the socket.
   */
  public static byte[] pipesRefused(String reason) {
    return ("{\"relay\":{\"pipes\":\"refused\",\"reason\":\""
            + new String(JsonStringEncoder.getInstance().quoteAsString(reason))
            + "\"}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static ProtocolException invalid(String message) {
    return new ProtocolException(ErrorCode.INVALID_REQUEST, null, message);
  }
}
