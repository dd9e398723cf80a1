package dev.nm.protocol;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectableChannel;
import java.util.Objects;

/**
 * Reads native-messaging frames from a blocking byte source.
 *
 * <pre>
 *  0               1               2               3
 * +---------------+---------------+---------------+---------------+
 * |        body length, unsigned 32-bit, native byte order        |
 * +---------------+---------------+---------------+---------------+
 * |                 body: that many bytes of UTF-8 JSON ...       |
 * +---------------------------------------------------------------+
 * </pre>
 *
 * <p>On x86-64 and aarch64 the native order is little-endian, so a 5-byte body arrives as
 * {@code 05 00 00 00} followed by the body.
 *
 * <p>The reader never trusts the declared length: a length over {@code maxFrameBytes} is rejected before a
 * body is allocated or read into one. It never uses {@link InputStream#available()}, which on a Linux pipe reports at
 * most 64 KiB and reports 0 at end of stream. Not thread-safe: one reader thread per connection.
 *
 * <p>A channel is read through a 64 KiB buffer, so a burst of small frames costs one {@code read} call; the
 * reader still returns a frame as soon as its last byte arrived, and a body that does not fit the buffer is
 * read straight into its array. A stream is read as given, never past the current frame: pass a
 * {@link java.io.BufferedInputStream} to buffer it.
 */
public final class FrameReader {
  private final Source source;
  private final int maxFrameBytes;
  private final ByteOrder order;
  private final byte[] header = new byte[4];

  private FrameReader(Source source, int maxFrameBytes, ByteOrder order) {
    if (maxFrameBytes < 0) {
      throw new IllegalArgumentException("maxFrameBytes < 0: " + maxFrameBytes);
    }
    this.source = source;
    this.maxFrameBytes = maxFrameBytes;
    this.order = Objects.requireNonNull(order, "order");
  }

  /** A reader of browser-to-host frames: native byte order, at most 64 MiB a frame. */
  public static FrameReader of(InputStream in) {
    return of(in, ProtocolLimits.MAX_INBOUND_FRAME_BYTES, ByteOrder.nativeOrder());
  }

  /** A reader with an explicit limit and byte order (tests, and peers on another machine). */
  public static FrameReader of(InputStream in, int maxFrameBytes, ByteOrder order) {
    Objects.requireNonNull(in, "in");
    return new FrameReader(in::read, maxFrameBytes, order);
  }

  /**
   * A reader over a blocking channel (a pipe, or a Unix-domain socket in blocking mode).
   *
   * @throws IllegalArgumentException if the channel is a {@link SelectableChannel} in non-blocking mode
   */
  public static FrameReader of(ReadableByteChannel channel) {
    return of(channel, ProtocolLimits.MAX_INBOUND_FRAME_BYTES, ByteOrder.nativeOrder());
  }

  /**
   * A reader over a blocking channel with an explicit limit and byte order.
   *
   * @throws IllegalArgumentException if the channel is a {@link SelectableChannel} in non-blocking mode
   */
  public static FrameReader of(ReadableByteChannel channel, int maxFrameBytes, ByteOrder order) {
    Objects.requireNonNull(channel, "channel");
    if (channel instanceof SelectableChannel selectable && !selectable.isBlocking()) {
      throw new IllegalArgumentException(
          "the channel is in non-blocking mode; a FrameReader blocks until a frame arrives: call"
              + " configureBlocking(true) on it first");
    }
    return new FrameReader(new BufferedChannel(channel), maxFrameBytes, order);
  }

  /**
   * Whether the next frame has arrived whole and is buffered, so that {@link #nextFrame()} returns it
   * without reading. A writer relaying frames flushes when this is false, before the next read may block.
   */
  public boolean hasBufferedFrame() {
    ByteBuffer readAhead = source.readAhead();
    if (readAhead.remaining() < 4) {
      return false;
    }
    long length = Integer.toUnsignedLong(readAhead.order(order).getInt(readAhead.position()));
    return readAhead.remaining() - 4 >= length;
  }

  /**
   * Reads the next frame's body.
   *
   * @return the body, possibly empty; {@code null} when the stream ended cleanly at a frame boundary
   * @throws FrameException {@link ErrorCode#INVALID_FRAME} if the stream ends inside a frame,
   *     {@link ErrorCode#MESSAGE_TOO_LARGE} if the declared length exceeds the limit. The stream is out of
   *     sync afterwards.
   */
  public byte[] nextFrame() throws IOException {
    int headerRead = readAtMost(header, 0, 4);
    if (headerRead == 0) {
      return null;
    }
    if (headerRead < 4) {
      throw new FrameException(
          ErrorCode.INVALID_FRAME,
          "stream ended inside a length prefix after " + headerRead + " of 4 bytes");
    }
    long length = Integer.toUnsignedLong(ByteBuffer.wrap(header).order(order).getInt());
    if (length > maxFrameBytes) {
      throw new FrameException(
          ErrorCode.MESSAGE_TOO_LARGE,
          "frame length " + length + " exceeds the limit of " + maxFrameBytes + " bytes");
    }
    byte[] body = new byte[(int) length];
    int bodyRead = readAtMost(body, 0, body.length);
    if (bodyRead < body.length) {
      throw new FrameException(
          ErrorCode.INVALID_FRAME,
          "stream ended inside a frame after " + bodyRead + " of " + length + " body bytes");
    }
    return body;
  }

  /** Reads until {@code len} bytes arrived or the stream ended; returns how many arrived. */
  private int readAtMost(byte[] b, int off, int len) throws IOException {
    int total = 0;
    while (total < len) {
      int n = source.read(b, off + total, len - total);
      if (n < 0) {
        return total;
      }
      if (n == 0) {
        // A blocking source never returns 0 for a non-empty request: the channel was made non-blocking later.
        throw new EOFException("source returned 0 bytes: is the channel in non-blocking mode?");
      }
      total += n;
    }
    return total;
  }

  @FunctionalInterface
  private interface Source {
    /** Blocks only until at least one byte arrived or the source ended (then -1). */
    int read(byte[] b, int off, int len) throws IOException;

    /** The bytes read ahead and not handed out yet, between position and limit. */
    default ByteBuffer readAhead() {
      return NOTHING_READ_AHEAD;
    }
  }

  private static final ByteBuffer NOTHING_READ_AHEAD = ByteBuffer.allocate(0);

  /** A channel read through a buffer: one {@code read} call fetches whatever the channel holds, up to 64 KiB. */
  private static final class BufferedChannel implements Source {
    private static final int CAPACITY = 64 * 1024;

    private final ReadableByteChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(CAPACITY).flip();

    BufferedChannel(ReadableByteChannel channel) {
      this.channel = channel;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (!buffer.hasRemaining()) {
        if (len >= CAPACITY) {
          return channel.read(ByteBuffer.wrap(b, off, len));
        }
        buffer.clear();
        int n = channel.read(buffer);
        buffer.flip();
        if (n <= 0) {
          return n;
        }
      }
      int n = Math.min(len, buffer.remaining());
      buffer.get(b, off, n);
      return n;
    }

    @Override
    public ByteBuffer readAhead() {
      return buffer;
    }
  }
}
