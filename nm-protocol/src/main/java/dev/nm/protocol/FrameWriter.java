package dev.nm.protocol;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectableChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Objects;

/**
 * Writes native-messaging frames (see {@link FrameReader} for the layout) to a blocking sink. Refuses a body
 * over {@code maxFrameBytes} before writing anything, so a refused frame never desynchronises the stream.
 * Thread-safe: concurrent frames never interleave.
 *
 * <p>Frames are assembled in a 64 KiB buffer, so a small frame costs one {@code write} call; a body that does
 * not fit the buffer is written after it, straight from its array. {@link #writeFrame} flushes every frame;
 * a pump that relays a burst {@linkplain #bufferFrame buffers} its frames and {@linkplain #flush flushes}
 * once the burst is over.
 */
public final class FrameWriter {
  private static final int BUFFER_BYTES = 64 * 1024;

  private final Sink sink;
  private final int maxFrameBytes;
  private final byte[] buffer = new byte[BUFFER_BYTES];
  private final ByteBuffer pending;

  private FrameWriter(Sink sink, int maxFrameBytes, ByteOrder order) {
    if (maxFrameBytes < 0) {
      throw new IllegalArgumentException("maxFrameBytes < 0: " + maxFrameBytes);
    }
    this.sink = sink;
    this.maxFrameBytes = maxFrameBytes;
    this.pending = ByteBuffer.wrap(buffer).order(Objects.requireNonNull(order, "order"));
  }

  /** A writer of host-to-browser frames: native byte order, at most 1 MiB a frame. */
  public static FrameWriter of(OutputStream out) {
    return of(out, ProtocolLimits.MAX_OUTBOUND_FRAME_BYTES, ByteOrder.nativeOrder());
  }

  /** A writer with an explicit limit and byte order (tests, and peers on another machine). */
  public static FrameWriter of(OutputStream out, int maxFrameBytes, ByteOrder order) {
    Objects.requireNonNull(out, "out");
    return new FrameWriter(
        new Sink() {
          @Override
          public void write(byte[] bytes, int length) throws IOException {
            out.write(bytes, 0, length);
          }

          @Override
          public void flush() throws IOException {
            out.flush();
          }
        },
        maxFrameBytes,
        order);
  }

  /**
   * A writer over a blocking channel; handles partial writes.
   *
   * @throws IllegalArgumentException if the channel is a {@link SelectableChannel} in non-blocking mode
   */
  public static FrameWriter of(WritableByteChannel channel) {
    return of(channel, ProtocolLimits.MAX_OUTBOUND_FRAME_BYTES, ByteOrder.nativeOrder());
  }

  /**
   * A writer over a blocking channel with an explicit limit and byte order.
   *
   * @throws IllegalArgumentException if the channel is a {@link SelectableChannel} in non-blocking mode
   */
  public static FrameWriter of(WritableByteChannel channel, int maxFrameBytes, ByteOrder order) {
    Objects.requireNonNull(channel, "channel");
    if (channel instanceof SelectableChannel selectable && !selectable.isBlocking()) {
      throw new IllegalArgumentException(
          "the channel is in non-blocking mode; a FrameWriter blocks until a frame is written: call"
              + " configureBlocking(true) on it first");
    }
    return new FrameWriter(
        (bytes, length) -> {
          ByteBuffer remaining = ByteBuffer.wrap(bytes, 0, length);
          while (remaining.hasRemaining()) {
            if (channel.write(remaining) == 0) {
              // A blocking channel never writes 0 bytes of a non-empty buffer: it was made non-blocking later.
              throw new IOException("the channel wrote 0 bytes: is it in non-blocking mode?");
            }
          }
        },
        maxFrameBytes,
        order);
  }

  /** The largest body this writer accepts. */
  public int maxFrameBytes() {
    return maxFrameBytes;
  }

  /**
   * Writes one frame and flushes it, with any frame buffered before it.
   *
   * @throws FrameException {@link ErrorCode#MESSAGE_TOO_LARGE} if the body is over the limit; nothing was
   *     written and the stream is still in sync
   */
  public synchronized void writeFrame(byte[] body) throws IOException {
    bufferFrame(body);
    flush();
  }

  /**
   * Adds one frame to the buffer, writing out what the buffer held first if the frame does not fit; it
   * reaches the peer at the latest with the next {@link #flush()}.
   *
   * @throws FrameException {@link ErrorCode#MESSAGE_TOO_LARGE} if the body is over the limit; nothing was
   *     written or buffered and the stream is still in sync
   */
  public synchronized void bufferFrame(byte[] body) throws IOException {
    if (body.length > maxFrameBytes) {
      throw new FrameException(
          ErrorCode.MESSAGE_TOO_LARGE,
          "frame of " + body.length + " bytes exceeds the limit of " + maxFrameBytes + " bytes");
    }
    boolean fitsTheBuffer = 4 + body.length <= BUFFER_BYTES;
    if (pending.remaining() < (fitsTheBuffer ? 4 + body.length : 4)) {
      writePending();
    }
    pending.putInt(body.length);
    if (fitsTheBuffer) {
      pending.put(body);
    } else {
      writePending();
      sink.write(body, body.length);
    }
  }

  /** Writes out the buffered frames and flushes the sink. */
  public synchronized void flush() throws IOException {
    writePending();
    sink.flush();
  }

  private void writePending() throws IOException {
    if (pending.position() == 0) {
      return;
    }
    try {
      sink.write(buffer, pending.position());
    } finally {
      pending.clear();
    }
  }

  @FunctionalInterface
  private interface Sink {
    void write(byte[] bytes, int length) throws IOException;

    /** Pushes what the sink itself buffers to the peer; a channel buffers nothing. */
    default void flush() throws IOException {}
  }
}
