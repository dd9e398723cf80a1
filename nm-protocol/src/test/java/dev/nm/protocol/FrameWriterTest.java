package dev.nm.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Pipe;
import java.nio.channels.WritableByteChannel;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FrameWriterTest {
  private static final int MIB = 1024 * 1024;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  @Test
  void writesLengthLittleEndianThenBody() throws IOException {
    FrameWriter.of(out, MIB, ByteOrder.LITTLE_ENDIAN).writeFrame("{}".getBytes(UTF_8));

    assertArrayEquals(Bytes.of(0x02, 0x00, 0x00, 0x00, '{', '}'), out.toByteArray());
  }

  @Test
  void writesLengthBigEndianThenBody() throws IOException {
    FrameWriter.of(out, MIB, ByteOrder.BIG_ENDIAN).writeFrame("{}".getBytes(UTF_8));

    assertArrayEquals(Bytes.of(0x00, 0x00, 0x00, 0x02, '{', '}'), out.toByteArray());
  }

  @Test
  void defaultsToNativeOrderAndOneMebibyte() throws IOException {
    FrameWriter writer = FrameWriter.of(out);
    writer.writeFrame(Bytes.filled(0x0102, 'a'));

    byte[] header = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN
        ? Bytes.of(0x02, 0x01, 0x00, 0x00)
        : Bytes.of(0x00, 0x00, 0x01, 0x02);
    assertArrayEquals(header, Arrays.copyOf(out.toByteArray(), 4));
    assertEquals(4 + 0x0102, out.size());
    assertEquals(1_048_576, writer.maxFrameBytes());
  }

  @Test
  void writesEmptyBody() throws IOException {
    FrameWriter.of(out, MIB, ByteOrder.LITTLE_ENDIAN).writeFrame(new byte[0]);

    assertArrayEquals(Bytes.of(0x00, 0x00, 0x00, 0x00), out.toByteArray());
  }

  @Test
  void writesOneByteBody() throws IOException {
    FrameWriter.of(out, MIB, ByteOrder.BIG_ENDIAN).writeFrame(Bytes.of('7'));

    assertArrayEquals(Bytes.of(0x00, 0x00, 0x00, 0x01, '7'), out.toByteArray());
  }

  @Test
  void acceptsExactlyOneMebibyte() throws IOException {
    byte[] body = Bytes.filled(1_048_576, 'x');
    FrameWriter.of(out).writeFrame(body);

    byte[] written = out.toByteArray();
    assertEquals(1_048_580, written.length);
    assertEquals(1_048_576, ByteBuffer.wrap(written).order(ByteOrder.nativeOrder()).getInt());
    assertArrayEquals(body, Arrays.copyOfRange(written, 4, written.length));
  }

  @Test
  void refusesOneMebibytePlusOneWithoutWritingAByte() throws IOException {
    FrameWriter writer = FrameWriter.of(out);

    FrameException e = assertThrows(FrameException.class, () -> writer.writeFrame(Bytes.filled(1_048_577, 'x')));

    assertEquals(ErrorCode.MESSAGE_TOO_LARGE, e.code());
    assertEquals("frame of 1048577 bytes exceeds the limit of 1048576 bytes", e.getMessage());
    assertEquals(0, out.size());
  }

  @Test
  void staysInSyncAfterARefusedFrame() throws IOException {
    FrameWriter writer = FrameWriter.of(out, 3, ByteOrder.LITTLE_ENDIAN);

    assertThrows(FrameException.class, () -> writer.writeFrame(Bytes.of('1', '2', '3', '4')));
    writer.writeFrame(Bytes.of('1', '2', '3'));

    assertArrayEquals(Bytes.of(0x03, 0x00, 0x00, 0x00, '1', '2', '3'), out.toByteArray());
  }

  @Test
  void flushesEveryFrame() throws IOException {
    FrameWriter writer = FrameWriter.of(new BufferedOutputStream(out, 8192), MIB, ByteOrder.LITTLE_ENDIAN);

    writer.writeFrame(Bytes.of('1'));
    assertArrayEquals(Bytes.of(0x01, 0x00, 0x00, 0x00, '1'), out.toByteArray());

    writer.writeFrame(Bytes.of('2'));
    assertArrayEquals(Bytes.of(0x01, 0x00, 0x00, 0x00, '1', 0x01, 0x00, 0x00, 0x00, '2'), out.toByteArray());
  }

  @Test
  void writesASmallFrameWithOneCall() throws IOException {
    TrickleChannel channel = new TrickleChannel(Integer.MAX_VALUE);
    FrameWriter writer = FrameWriter.of(channel, MIB, ByteOrder.BIG_ENDIAN);

    writer.writeFrame(Bytes.of('{', '}'));

    assertArrayEquals(Bytes.of(0x00, 0x00, 0x00, 0x02, '{', '}'), channel.written.toByteArray());
    assertEquals(1, channel.calls);
  }

  @Test
  void bufferedFramesWaitForFlushThenGoInOneCall() throws IOException {
    TrickleChannel channel = new TrickleChannel(Integer.MAX_VALUE);
    FrameWriter writer = FrameWriter.of(channel, MIB, ByteOrder.BIG_ENDIAN);

    writer.bufferFrame(Bytes.of('1'));
    writer.bufferFrame(Bytes.of('2', '3'));
    assertEquals(0, channel.calls);
    writer.flush();

    assertArrayEquals(Bytes.of(0, 0, 0, 1, '1', 0, 0, 0, 2, '2', '3'), channel.written.toByteArray());
    assertEquals(1, channel.calls);
  }

  @Test
  void aFrameLargerThanTheBufferFollowsTheBufferedOnes() throws IOException {
    TrickleChannel channel = new TrickleChannel(Integer.MAX_VALUE);
    FrameWriter writer = FrameWriter.of(channel, MIB, ByteOrder.BIG_ENDIAN);
    byte[] large = Bytes.filled(100_000, 'x');

    writer.bufferFrame(Bytes.of('1'));
    writer.writeFrame(large);
    writer.writeFrame(Bytes.of('2'));

    byte[] expected = Bytes.concat(Bytes.of(0, 0, 0, 1, '1', 0, 1, 0x86, 0xa0), large, Bytes.of(0, 0, 0, 1, '2'));
    assertArrayEquals(expected, channel.written.toByteArray());
    assertEquals(3, channel.calls, "buffered frame and large header, large body, last frame");
  }

  @Test
  void refusedBufferedFrameLeavesEarlierFramesIntact() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FrameWriter writer = FrameWriter.of(out, 3, ByteOrder.LITTLE_ENDIAN);

    writer.bufferFrame(Bytes.of('1'));
    assertThrows(FrameException.class, () -> writer.bufferFrame(Bytes.of('1', '2', '3', '4')));
    assertEquals(0, out.size());
    writer.flush();

    assertArrayEquals(Bytes.of(0x01, 0x00, 0x00, 0x00, '1'), out.toByteArray());
  }

  @Test
  void channelWriterCompletesPartialWrites() throws IOException {
    TrickleChannel channel = new TrickleChannel(3);
    FrameWriter writer = FrameWriter.of(channel, MIB, ByteOrder.BIG_ENDIAN);

    writer.writeFrame("hello, world".getBytes(UTF_8));
    writer.writeFrame(new byte[0]);

    byte[] expected = Bytes.concat(Bytes.of(0x00, 0x00, 0x00, 0x0c), "hello, world".getBytes(UTF_8), Bytes.of(0, 0, 0, 0));
    assertArrayEquals(expected, channel.written.toByteArray());
    assertEquals(8, channel.calls, "a 16-byte frame and a 4-byte frame, each written on its own, at most 3 bytes a call");
  }

  @Test
  void channelWriterRefusesOversizedFrameWithoutWriting() {
    TrickleChannel channel = new TrickleChannel(3);
    FrameWriter writer = FrameWriter.of(channel);

    FrameException e = assertThrows(FrameException.class, () -> writer.writeFrame(Bytes.filled(1_048_577, 'x')));

    assertEquals("frame of 1048577 bytes exceeds the limit of 1048576 bytes", e.getMessage());
    assertEquals(0, channel.calls);
  }

  @Test
  void refusesANonBlockingChannelAtConstruction() throws IOException {
    Pipe pipe = Pipe.open();
    try (Pipe.SourceChannel source = pipe.source(); Pipe.SinkChannel sink = pipe.sink()) {
      sink.configureBlocking(false);

      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FrameWriter.of(sink));

      assertEquals(
          "the channel is in non-blocking mode; a FrameWriter blocks until a frame is written: call configureBlocking(true) on it first",
          e.getMessage());
    }
  }

  @Test
  void aChannelThatWritesNothingFailsInsteadOfSpinning() {
    WritableByteChannel full =
        new WritableByteChannel() {
          @Override
          public int write(ByteBuffer src) {
            return 0;
          }

          @Override
          public boolean isOpen() {
            return true;
          }

          @Override
          public void close() {}
        };
    FrameWriter writer = FrameWriter.of(full, MIB, ByteOrder.LITTLE_ENDIAN);

    IOException e = assertTimeoutPreemptively(
        Duration.ofSeconds(5), () -> assertThrows(IOException.class, () -> writer.writeFrame("{}".getBytes(UTF_8))));

    assertEquals("the channel wrote 0 bytes: is it in non-blocking mode?", e.getMessage());
  }

  @Test
  void refusesNegativeLimit() {
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> FrameWriter.of(out, -1, ByteOrder.LITTLE_ENDIAN));

    assertEquals("maxFrameBytes < 0: -1", e.getMessage());
  }

  /** A blocking channel that accepts at most {@code perCall} bytes per write, as a full pipe does. */
  private static final class TrickleChannel implements WritableByteChannel {
    final ByteArrayOutputStream written = new ByteArrayOutputStream();
    final int perCall;
    int calls;

    TrickleChannel(int perCall) {
      this.perCall = perCall;
    }

    @Override
    public int write(ByteBuffer src) {
      calls++;
      int n = Math.min(perCall, src.remaining());
      for (int i = 0; i < n; i++) {
        written.write(src.get());
      }
      return n;
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close() {}
  }
}
