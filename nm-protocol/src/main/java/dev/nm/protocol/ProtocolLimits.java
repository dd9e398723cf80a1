package dev.nm.protocol;

import com.fasterxml.jackson.core.StreamReadConstraints;

/** The limits browsers impose on native messaging, and the ones nm adds. */
public final class ProtocolLimits {
  /** Version of the envelope protocol described in {@code docs/protocol.md}. */
  public static final String PROTOCOL_VERSION = "1.0";

  /** Largest frame a browser sends to a host: 64 MiB (67,108,864 bytes pass in Chromium). */
  public static final int MAX_INBOUND_FRAME_BYTES = 64 * 1024 * 1024;

  /**
   * Largest frame a host may send to a browser: 1 MiB. Chromium closes the port on 1,048,577 bytes.
   * Replies above this are split into chunk frames by {@link MessageWriter}.
   */
  public static final int MAX_OUTBOUND_FRAME_BYTES = 1024 * 1024;

  /**
   * Longest message a client reassembles from chunks: 64 Mi characters (UTF-16 units, as the chunks'
   * {@code data} strings count them), as large as the largest frame a host accepts. Past it
   * {@link ChunkAssembler} refuses the message with {@link ErrorCode#MESSAGE_TOO_LARGE}.
   */
  public static final int MAX_REASSEMBLED_MESSAGE_CHARS = 64 * 1024 * 1024;

  /** Deepest JSON nesting accepted in an inbound frame; deeper input is {@link ErrorCode#INVALID_JSON}. */
  public static final int MAX_JSON_NESTING_DEPTH = 64;

  private ProtocolLimits() {}

  /**
   * These limits as Jackson applies them to a parser: {@link #MAX_JSON_NESTING_DEPTH} levels, and strings as long
   * as a frame may be. {@link Json#newMapper()} reads with them, and so does any reader that must refuse what the
   * host's mapper refuses.
   */
  public static StreamReadConstraints readConstraints() {
    return StreamReadConstraints.builder()
        .maxNestingDepth(MAX_JSON_NESTING_DEPTH)
        .maxStringLength(MAX_INBOUND_FRAME_BYTES)
        .build();
  }
}
