package dev.nm.host.connection;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.protocol.ErrorCode;
import dev.nm.protocol.Json;
import dev.nm.protocol.ProtocolException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The first frame a relay sends on the resident host's Unix-domain socket, naming the browser origin it
 * speaks for. Version 1 relays frames:
 *
 * <pre>{@code {"relay": {"version": 1, "origin": "chrome-extension://abcdefghijklmnopabcdefghijklmnop/"}}}</pre>
 *
 * and the socket then carries ordinary frames both ways, with the same framing and limits as a browser port.
 * Version 2 offers the browser's pipes, naming the relay's process id:
 *
 * <pre>{@code {"relay": {"version": 2, "origin": "chrome-extension://abcdefghijklmnopabcdefghijklmnop/", "pipes_of": 4242}}}</pre>
 *
 * The resident host then reads and writes the relay's stdin and stdout itself ({@link BrowserPipes}), and the
 * socket carries one frame back: {@link #PIPES_RELEASED} once the port has ended, or, if the host cannot take
 * the pipes, {@link #pipesRefused} followed by ordinary frames, or {@link #PIPES_RETIRED} if it takes no more ports. A host that speaks only version 1 answers a
 * version 2 handshake with a failure and closes the socket, so the relay can fall back to version 1.
 *
 * @param origin the caller's origin, as the browser gave it to the relay
 * @param pipesOf the process id of the relay offering its stdin and stdout, or 0 if it relays frames
 */
public record RelayHandshake(String origin, long pipesOf) {
  /** The version of a relay that passes frames on. */
  public static final int FRAMES_VERSION = 1;
  /** The version of a relay that offers its pipes. */
  public static final int PIPES_VERSION = 2;

  /** The resident host's frame telling a relay that the port it handed over has ended: the relay exits. */
  public static final byte[] PIPES_RELEASED = "{\"relay\":{\"pipes\":\"released\"}}".getBytes(StandardCharsets.UTF_8);

  /**
   * The resident host's answer to a relay offering its pipes when it has stopped taking ports (it is exiting, or
   * retiring after an upgrade): it never touched the pipes, so the relay connects again, to its successor.
   */
  public static final byte[] PIPES_RETIRED = "{\"relay\":{\"pipes\":\"retired\"}}".getBytes(StandardCharsets.UTF_8);

  private static final byte[] PIPES_REFUSED_START =
      "{\"relay\":{\"pipes\":\"refused\",\"reason\":\"".getBytes(StandardCharsets.UTF_8);
  private static final byte[] VERSION_START = "{\"relay\":{\"version\":".getBytes(StandardCharsets.UTF_8);
  /** The longest origin a host accepts from a relay: "firefox:" and a 255-character add-on id (AMO's longest) fit. */
  public static final int MAX_ORIGIN_LENGTH = 512;

  private static final byte[] ORIGIN = ",\"origin\":\"".getBytes(StandardCharsets.UTF_8);
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
    JsonNode version = relay.path("version");
    if (!version.isInt() || (version.intValue() != FRAMES_VERSION && version.intValue() != PIPES_VERSION)) {
      throw invalid("relay version " + version + " is not supported; this host speaks versions " + FRAMES_VERSION
          + " (frames) and " + PIPES_VERSION + " (pipes)");
    }
    JsonNode origin = relay.path("origin");
    if (!origin.isTextual() || origin.textValue().isBlank()) {
      throw invalid("the relay handshake must name the caller's origin in relay.origin");
    }
    String unusable = unusableOrigin(origin.textValue());
    if (unusable != null) {
      throw invalid("relay.origin " + unusable);
    }
    if (version.intValue() == FRAMES_VERSION) {
      if (relay.has("pipes_of")) {
        throw invalid("relay version 1 relays frames; offer pipes with relay version 2");
      }
      return new RelayHandshake(origin.textValue(), 0);
    }
    JsonNode pipesOf = relay.path("pipes_of");
    if (!(pipesOf.isIntegralNumber() && pipesOf.canConvertToLong() && pipesOf.longValue() > 0)) {
      throw invalid("relay.pipes_of must be the relay's process id, a positive integer; it is " + pipesOf);
    }
    return new RelayHandshake(origin.textValue(), pipesOf.longValue());
  }

  /**
   * Why {@code origin} cannot name a caller, or null: browsers name extensions in a few dozen printable characters
   * ({@code chrome-extension://<32 letters>/}, {@code firefox:<add-on id>}), and an origin ends up in logs, the
   * audit log and settings keys, where a line break or a megabyte of text has no place.
   */
  public static String unusableOrigin(String origin) {
    if (origin.length() > MAX_ORIGIN_LENGTH) {
      return "is " + origin.length() + " characters long; an origin has at most " + MAX_ORIGIN_LENGTH;
    }
    for (int i = 0; i < origin.length(); i++) {
      if (Character.isISOControl(origin.charAt(i))) {
        return "holds a control character (U+" + String.format("%04X", (int) origin.charAt(i)) + ") at " + i;
      }
    }
    return null;
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
    ByteArrayOutputStream frame = new ByteArrayOutputStream(origin.length() + 64);
    frame.writeBytes(VERSION_START);
    frame.writeBytes(Integer.toString(offersPipes() ? PIPES_VERSION : FRAMES_VERSION).getBytes(StandardCharsets.US_ASCII));
    frame.writeBytes(ORIGIN);
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
    ByteArrayOutputStream frame = new ByteArrayOutputStream(PIPES_REFUSED_START.length + reason.length() + 3);
    frame.writeBytes(PIPES_REFUSED_START);
    frame.writeBytes(JsonStringEncoder.getInstance().quoteAsUTF8(reason));
    frame.writeBytes("\"}}".getBytes(StandardCharsets.UTF_8));
    return frame.toByteArray();
  }

  /** Whether a frame is the resident host's {@link #pipesRefused} answer. */
  public static boolean isPipesRefused(byte[] frame) {
    return Arrays.equals(frame, 0, Math.min(frame.length, PIPES_REFUSED_START.length), PIPES_REFUSED_START, 0, PIPES_REFUSED_START.length);
  }

  private static ProtocolException invalid(String message) {
    return new ProtocolException(ErrorCode.INVALID_REQUEST, null, message);
  }
}
