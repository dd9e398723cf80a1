package dev.nm.protocol;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.util.Objects;

/**
 * Writes native-messaging frames (see {@link FrameReader} for the layout) to a blocking sink, one flush per
 * frame. Refuses a body over {@code maxFrameBytes} before writing anything, so a refused frame never
 * desynchronises the stream. Thread-safe: concurrent frames never interleave.
 */
public final class FrameWriter {
  private final Sink sink;
  private final int maxFrameBytes;
  private final ByteBuffer header;

  private FrameWriter(Sink sink, int maxFrameBytes, ByteOrder order) {
    if (maxFrameBytes < 0) {
      throw new IllegalArgumentException("maxFrameBytes < 0: " + maxFrameBytes);
    }
    this.sink = sink;
    this.maxFrameBytes = maxFrameBytes;
    this.header = ByteBuffer.allocate(4).order(Objects.requireNonNull(order, "order"));
  }

  /** A writer of host-to-browser frames: native byte order, at most 1 MiB a frame. */
  public static FrameWriter of(OutputStream out) {
    return of(out, ProtocolLimits.MAX_OUTBOUND_FRAME_BYTES, ByteOrder.nativeOrder());
  }

  /** A writer with an explicit limit and byte order (tests, and peers on another machine). */
  public static FrameWriter of(OutputStream out, int maxFrameBytes, ByteOrder order) {
    Objects.requireNonNull(out, "out");
    return new FrameWriter(
        (header, body) -> {
          out.write(header.array(), 0, header.limit());
          out.write(body);
          out.flush();
        },
        maxFrameBytes,
        order);
  }

  /** A writer over a blocking channel; handles partial writes. */
  public static FrameWriter of(WritableByteChannel channel) {
    return of(channel, ProtocolLimits.MAX_OUTBOUND_FRAME_BYTES, ByteOrder.nativeOrder());
  }

  /** A writer over a blocking channel with an explicit limit and byte order. */
  public static FrameWriter of(WritableByteChannel channel, int maxFrameBytes, ByteOrder order) {
    Objects.requireNonNull(channel, "channel");
    return new FrameWriter(
        (header, body) -> {
          writeFully(channel, header);
          writeFully(channel, ByteBuffer.wrap(body));
        },
        maxFrameBytes,
        order);
  }

  /** The largest body this writer accepts. */
  public int maxFrameBytes() {
    return maxFrameBytes;
  }

  /**
   * Writes one frame.
   *
   * @throws FrameException {@link ErrorCode#MESSAGE_TOO_LARGE} if the body is over the limit; nothing was
   *     written and the stream is still in sync
   */
  public synchronized void writeFrame(byte[] body) throws IOException {
    if (body.length > maxFrameBytes) {
      throw new FrameException(
          ErrorCode.MESSAGE_TOO_LARGE,
          "frame of " + body.length + " bytes exceeds the limit of " + maxFrameBytes + " bytes");
    }
    header.clear();
    header.putInt(body.length).flip();
    sink.write(header, body);
  }

  private static void writeFully(WritableByteChannel channel, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  @FunctionalInterface
  private interface Sink {
    void write(ByteBuffer header, byte[] body) throws IOException;
  }
}
