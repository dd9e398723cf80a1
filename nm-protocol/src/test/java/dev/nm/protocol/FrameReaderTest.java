package dev.nm.protocol;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Pipe;
import java.nio.channels.ReadableByteChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class FrameReaderTest {
  private static final int MAX_INBOUND = 64 * 1024 * 1024;

  @Test
  void readsLittleEndianLength() throws IOException {
    FrameReader reader = reader(ByteOrder.LITTLE_ENDIAN, 0x02, 0x00, 0x00, 0x00, '{', '}');

    assertArrayEquals(Bytes.of('{', '}'), reader.nextFrame());
    assertNull(reader.nextFrame());
  }

  @Test
  void readsBigEndianLength() throws IOException {
    FrameReader reader = reader(ByteOrder.BIG_ENDIAN, 0x00, 0x00, 0x00, 0x02, '{', '}');

    assertArrayEquals(Bytes.of('{', '}'), reader.nextFrame());
    assertNull(reader.nextFrame());
  }

  @Test
  void defaultsToNativeOrder() throws IOException {
    byte[] header = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN
        ? Bytes.of(0x01, 0x00, 0x00, 0x00)
        : Bytes.of(0x00, 0x00, 0x00, 0x01);
    FrameReader reader = FrameReader.of(new ByteArrayInputStream(Bytes.concat(header, Bytes.of('7'))));

    assertArrayEquals(Bytes.of('7'), reader.nextFrame());
  }

  @Test
  void readsEmptyAndOneByteFramesBackToBack() throws IOException {
    FrameReader reader = reader(ByteOrder.LITTLE_ENDIAN, 0, 0, 0, 0, 1, 0, 0, 0, 'x', 0, 0, 0, 0);

    assertArrayEquals(new byte[0], reader.nextFrame());
    assertArrayEquals(Bytes.of('x'), reader.nextFrame());
    assertArrayEquals(new byte[0], reader.nextFrame());
    assertNull(reader.nextFrame());
  }

  @Test
  void endOfStreamAtABoundaryIsAlwaysNull() throws IOException {
    FrameReader reader = reader(ByteOrder.LITTLE_ENDIAN);

    assertNull(reader.nextFrame());
    assertNull(reader.nextFrame());
  }

  @Test
  void endOfStreamInsideTheLengthPrefix() {
    FrameReader reader = reader(ByteOrder.LITTLE_ENDIAN, 0x02, 0x00);

    FrameException e = assertThrows(FrameException.class, reader::nextFrame);

    assertEquals(ErrorCode.INVALID_FRAME, e.code());
    assertEquals("stream ended inside a length prefix after 2 of 4 bytes", e.getMessage());
  }

  @Test
  void endOfStreamInsideTheBody() {
    FrameReader reader = reader(ByteOrder.LITTLE_ENDIAN, 0x05, 0x00, 0x00, 0x00, 'a', 'b', 'c');

    FrameException e = assertThrows(FrameException.class, reader::nextFrame);

    assertEquals(ErrorCode.INVALID_FRAME, e.code());
    assertEquals("stream ended inside a frame after 3 of 5 body bytes", e.getMessage());
  }

  @Test
  void acceptsSixtyFourMebibytes() throws IOException {
    GeneratedStream in = new GeneratedStream(MAX_INBOUND);
    byte[] body = FrameReader.of(in, MAX_INBOUND, ByteOrder.nativeOrder()).nextFrame();

    assertEquals(MAX_INBOUND, body.length);
    assertEquals('x', body[0]);
    assertEquals('x', body[MAX_INBOUND - 1]);
  }

  @Test
  void refusesSixtyFourMebibytesPlusOneBeforeReadingTheBody() {
    GeneratedStream in = new GeneratedStream(MAX_INBOUND + 1);
    FrameReader reader = FrameReader.of(in, MAX_INBOUND, ByteOrder.nativeOrder());

    FrameException e = assertThrows(FrameException.class, reader::nextFrame);

    assertEquals(ErrorCode.MESSAGE_TOO_LARGE, e.code());
    assertEquals("frame length 67108865 exceeds the limit of 67108864 bytes", e.getMessage());
    assertEquals(4, in.position, "only the length prefix was read");
  }

  @Test
  void defaultLimitIsSixtyFourMebibytes() {
    FrameReader reader = FrameReader.of(new GeneratedStream(MAX_INBOUND + 1));

    FrameException e = assertThrows(FrameException.class, reader::nextFrame);

    assertEquals("frame length 67108865 exceeds the limit of 67108864 bytes", e.getMessage());
  }

  @Test
  void lengthIsUnsigned() {
    FrameReader signBit = reader(ByteOrder.LITTLE_ENDIAN, 0x00, 0x00, 0x00, 0x80);
    FrameReader allOnes = reader(ByteOrder.LITTLE_ENDIAN, 0xff, 0xff, 0xff, 0xff);

    FrameException negative = assertThrows(FrameException.class, signBit::nextFrame);
    FrameException huge = assertThrows(FrameException.class, allOnes::nextFrame);

    assertEquals(ErrorCode.MESSAGE_TOO_LARGE, negative.code());
    assertEquals("frame length 2147483648 exceeds the limit of 67108864 bytes", negative.getMessage());
    assertEquals(ErrorCode.MESSAGE_TOO_LARGE, huge.code());
    assertEquals("frame length 4294967295 exceeds the limit of 67108864 bytes", huge.getMessage());
  }

  @Test
  void readsFromAPipeChannel() throws Exception {
    Pipe pipe = Pipe.open();
    CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
      try (Pipe.SinkChannel sink = pipe.sink()) {
        sink.write(ByteBuffer.wrap(Bytes.of(0x00, 0x00, 0x00, 0x03, 'a', 'b', 'c', 0x00, 0x00)));
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
    FrameReader reader = FrameReader.of(pipe.source(), MAX_INBOUND, ByteOrder.BIG_ENDIAN);

    assertArrayEquals(Bytes.of('a', 'b', 'c'), reader.nextFrame());
    FrameException e = assertThrows(FrameException.class, reader::nextFrame);
    assertEquals("stream ended inside a length prefix after 2 of 4 bytes", e.getMessage());
    writing.get();
  }

  @Test
  void framesLargerThanAPipeBufferCrossAPipeIntact() throws Exception {
    Pipe pipe = Pipe.open();
    byte[] big = Bytes.filled(1_048_576, 'y');
    byte[] small = "{\"request_id\":\"r1\"}".getBytes(UTF_8);
    CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
      try (Pipe.SinkChannel sink = pipe.sink()) {
        FrameWriter writer = FrameWriter.of(sink);
        writer.writeFrame(big);
        writer.writeFrame(small);
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
    FrameReader reader = FrameReader.of(pipe.source());

    assertArrayEquals(big, reader.nextFrame());
    assertArrayEquals(small, reader.nextFrame());
    assertNull(reader.nextFrame());
    writing.get();
  }

  @Test
  void channelReadsABurstOfFramesWithOneRead() throws IOException {
    CountingChannel channel = new CountingChannel(
        Bytes.of(0x00, 0x00, 0x00, 0x01, 'a', 0x00, 0x00, 0x00, 0x02, 'b', 'c', 0x00, 0x00, 0x00, 0x00));
    FrameReader reader = FrameReader.of(channel, MAX_INBOUND, ByteOrder.BIG_ENDIAN);

    assertFalse(reader.hasBufferedFrame(), "nothing read yet");
    assertArrayEquals(Bytes.of('a'), reader.nextFrame());
    assertTrue(reader.hasBufferedFrame());
    assertArrayEquals(Bytes.of('b', 'c'), reader.nextFrame());
    assertTrue(reader.hasBufferedFrame(), "an empty frame is whole with its length prefix");
    assertArrayEquals(new byte[0], reader.nextFrame());
    assertFalse(reader.hasBufferedFrame());
    assertEquals(1, channel.reads);
    assertNull(reader.nextFrame());
  }

  @Test
  void aPartlyBufferedFrameIsNotReportedAsBuffered() throws IOException {
    FrameReader reader = FrameReader.of(
        new CountingChannel(Bytes.of(0x00, 0x00, 0x00, 0x01, 'a', 0x00, 0x00, 0x00, 0x02, 'b')),
        MAX_INBOUND,
        ByteOrder.BIG_ENDIAN);

    assertArrayEquals(Bytes.of('a'), reader.nextFrame());
    assertFalse(reader.hasBufferedFrame());
    FrameException e = assertThrows(FrameException.class, reader::nextFrame);
    assertEquals("stream ended inside a frame after 1 of 2 body bytes", e.getMessage());
  }

  @Test
  @Timeout(10)
  void channelDeliversAFrameWithoutWaitingForMoreBytes() throws Exception {
    Pipe pipe = Pipe.open();
    FrameWriter writer = FrameWriter.of(pipe.sink(), MAX_INBOUND, ByteOrder.BIG_ENDIAN);
    FrameReader reader = FrameReader.of(pipe.source(), MAX_INBOUND, ByteOrder.BIG_ENDIAN);

    writer.writeFrame(Bytes.of('1'));
    assertArrayEquals(Bytes.of('1'), reader.nextFrame());
    writer.writeFrame(Bytes.of('2'));
    assertArrayEquals(Bytes.of('2'), reader.nextFrame());
    pipe.sink().close();
    assertNull(reader.nextFrame());
  }

  @Test
  void streamReaderReportsNoBufferedFrame() throws IOException {
    FrameReader reader = reader(ByteOrder.BIG_ENDIAN, 0x00, 0x00, 0x00, 0x01, 'a', 0x00, 0x00, 0x00, 0x01, 'b');

    assertArrayEquals(Bytes.of('a'), reader.nextFrame());
    assertFalse(reader.hasBufferedFrame(), "a stream is read as given, never ahead");
  }

  @Test
  void refusesANonBlockingChannelAtConstruction() throws IOException {
    Pipe pipe = Pipe.open();
    try (Pipe.SourceChannel source = pipe.source(); Pipe.SinkChannel sink = pipe.sink()) {
      source.configureBlocking(false);

      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FrameReader.of(source));

      assertEquals(
          "the channel is in non-blocking mode; a FrameReader blocks until a frame arrives: call configureBlocking(true) on it first",
          e.getMessage());
    }
  }

  @Test
  void refusesNegativeLimit() {
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class,
        () -> FrameReader.of(new ByteArrayInputStream(new byte[0]), -1, ByteOrder.LITTLE_ENDIAN));

    assertEquals("maxFrameBytes < 0: -1", e.getMessage());
  }

  private static FrameReader reader(ByteOrder order, int... bytes) {
    return FrameReader.of(new ByteArrayInputStream(Bytes.of(bytes)), MAX_INBOUND, order);
  }

  /**
   * A native-order length prefix followed by that many {@code 'x'}, made up as it is read, so that a
   * 64 MiB frame costs no 64 MiB source array. Counts the bytes handed out.
   */
  private static final class GeneratedStream extends InputStream {
    private final byte[] header;
    private final long total;
    long position;

    GeneratedStream(int bodyLength) {
      this.header = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(bodyLength).array();
      this.total = 4L + bodyLength;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (position == total) {
        return -1;
      }
      int n = (int) Math.min(len, total - position);
      for (int i = 0; i < n; i++, position++) {
        b[off + i] = position < 4 ? header[(int) position] : (byte) 'x';
      }
      return n;
    }
  }

  /** A channel that hands out everything it holds on the first read, and counts the reads that returned data. */
  private static final class CountingChannel implements ReadableByteChannel {
    private final ByteBuffer bytes;
    int reads;

    CountingChannel(byte[] bytes) {
      this.bytes = ByteBuffer.wrap(bytes);
    }

    @Override
    public int read(ByteBuffer dst) {
      if (!bytes.hasRemaining()) {
        return -1;
      }
      reads++;
      int n = Math.min(dst.remaining(), bytes.remaining());
      dst.put(bytes.slice().limit(n));
      bytes.position(bytes.position() + n);
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
