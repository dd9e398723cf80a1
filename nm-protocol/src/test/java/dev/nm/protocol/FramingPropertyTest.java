package dev.nm.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.TextNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Framing properties over many seeded random cases: whatever the frames and however the transport splits
 * the bytes, the reader yields exactly the frames written, and messages chunked to any frame limit
 * reassemble to exactly the messages sent. A failure message names the seed; to rerun one case
 * alone, set {@link #FIRST_SEED} to it.
 */
class FramingPropertyTest {
  private static final long FIRST_SEED = 20261123L;
  private static final int SEEDS = 400;
  private static final int MAX_FRAME = 1 << 20;
  private static final int[] MAX_BYTES_PER_READ = {1, 2, 3, 5, 64, 4096, 65536};

  @Test
  void framesDecodeIdenticallyWhateverTheReadBoundaries() throws IOException {
    for (long seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
      Random random = new Random(seed);
      ByteOrder order = random.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
      List<byte[]> frames = randomFrames(random);
      byte[] stream = write(frames, order);
      int maxPerRead = MAX_BYTES_PER_READ[random.nextInt(MAX_BYTES_PER_READ.length)];

      FrameReader fromStream = FrameReader.of(new ChoppyStream(stream, random, maxPerRead), MAX_FRAME, order);
      FrameReader fromChannel = FrameReader.of(new ChoppyChannel(stream, random, maxPerRead), MAX_FRAME, order);

      assertReadsExactly(frames, fromStream, "stream, seed " + seed);
      assertReadsExactly(frames, fromChannel, "channel, seed " + seed);
    }
  }

  @Test
  void aCutStreamYieldsTheWholeFramesThenNamesWhereItEnded() throws IOException {
    for (long seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
      Random random = new Random(seed);
      List<byte[]> frames = randomFrames(random);
      byte[] stream = write(frames, ByteOrder.LITTLE_ENDIAN);
      int cut = random.nextInt(stream.length + 1);
      byte[] truncated = Arrays.copyOf(stream, cut);
      FrameReader reader = FrameReader.of(
          new ChoppyStream(truncated, random, MAX_BYTES_PER_READ[random.nextInt(MAX_BYTES_PER_READ.length)]),
          MAX_FRAME,
          ByteOrder.LITTLE_ENDIAN);

      int index = 0;
      int frameStart = 0;
      while (index < frames.size() && frameStart + 4 + frames.get(index).length <= cut) {
        assertArrayEquals(frames.get(index), reader.nextFrame(), "seed " + seed + ", frame " + index);
        frameStart += 4 + frames.get(index).length;
        index++;
      }
      int readOfFrame = cut - frameStart;
      if (readOfFrame == 0) {
        assertNull(reader.nextFrame(), "seed " + seed);
        continue;
      }
      FrameException e = assertThrows(FrameException.class, reader::nextFrame, "seed " + seed);
      assertEquals(ErrorCode.INVALID_FRAME, e.code(), "seed " + seed);
      assertEquals(
          readOfFrame < 4
              ? "stream ended inside a length prefix after " + readOfFrame + " of 4 bytes"
              : "stream ended inside a frame after " + (readOfFrame - 4) + " of " + frames.get(index).length + " body bytes",
          e.getMessage(),
          "seed " + seed);
    }
  }

  @Test
  void messagesSurviveChunkingAndArbitraryReadBoundaries() throws IOException, ProtocolException {
    EnvelopeCodec codec = new EnvelopeCodec();
    for (long seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
      Random random = new Random(seed);
      int frameLimit = 100 + random.nextInt(4000);
      List<Message> messages = randomMessages(random);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      MessageWriter writer = new MessageWriter(FrameWriter.of(out, frameLimit, ByteOrder.BIG_ENDIAN), codec);
      for (Message message : messages) {
        writer.send(message);
      }
      FrameReader reader = FrameReader.of(
          new ChoppyStream(out.toByteArray(), random, MAX_BYTES_PER_READ[random.nextInt(MAX_BYTES_PER_READ.length)]),
          MAX_FRAME,
          ByteOrder.BIG_ENDIAN);

      ChunkAssembler assembler = new ChunkAssembler(codec);
      List<Message> received = new ArrayList<>();
      for (byte[] frame = reader.nextFrame(); frame != null; frame = reader.nextFrame()) {
        assertTrue(frame.length <= frameLimit, "seed " + seed + ": frame of " + frame.length + " bytes");
        Message message = codec.decode(frame);
        Message whole = message instanceof Message.Chunk chunk ? assembler.accept(chunk) : message;
        if (whole != null) {
          received.add(whole);
        }
      }
      assertEquals(messages, received, "seed " + seed);
    }
  }

  private static void assertReadsExactly(List<byte[]> frames, FrameReader reader, String label) throws IOException {
    for (int i = 0; i < frames.size(); i++) {
      assertArrayEquals(frames.get(i), reader.nextFrame(), label + ", frame " + i);
    }
    assertNull(reader.nextFrame(), label + ", after the last frame");
  }

  /** Up to 12 frames, most of them short, one in ten longer than a Linux pipe's 64 KiB buffer. */
  private static List<byte[]> randomFrames(Random random) {
    List<byte[]> frames = new ArrayList<>();
    int count = random.nextInt(13);
    for (int i = 0; i < count; i++) {
      int length = random.nextInt(10) == 0 ? 65_536 + random.nextInt(8192) : random.nextInt(300);
      byte[] frame = new byte[length];
      random.nextBytes(frame);
      frames.add(frame);
    }
    return frames;
  }

  /** Up to 8 replies and events whose text mixes every character class JSON escapes or UTF-8 widens. */
  private static List<Message> randomMessages(Random random) {
    List<Message> messages = new ArrayList<>();
    int count = random.nextInt(9);
    for (int i = 0; i < count; i++) {
      String id = "r" + i;
      TextNode text = new TextNode(randomText(random, random.nextInt(1500)));
      messages.add(switch (random.nextInt(3)) {
        case 0 -> new Message.Success(id, text);
        case 1 -> new Message.Event(id, "token", text);
        default -> new Message.Failure(id, ErrorBody.of(ErrorCode.BACKEND_ERROR, text.textValue()));
      });
    }
    return messages;
  }

  private static String randomText(Random random, int tokens) {
    String[] alphabet = {"a", "Z", " ", "\"", "\\", "/", "\n", "\u0000", "\u001f", "é", "中", "\uD83D\uDE00"};
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < tokens; i++) {
      text.append(alphabet[random.nextInt(alphabet.length)]);
    }
    return text.toString();
  }

  private static byte[] write(List<byte[]> frames, ByteOrder order) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FrameWriter writer = FrameWriter.of(out, MAX_FRAME, order);
    for (byte[] frame : frames) {
      writer.writeFrame(frame);
    }
    return out.toByteArray();
  }

  /** Hands out between 1 and {@code maxPerRead} bytes per read, as a pipe under load does. */
  private static final class ChoppyStream extends InputStream {
    private final ByteBuffer bytes;
    private final Random random;
    private final int maxPerRead;

    ChoppyStream(byte[] bytes, Random random, int maxPerRead) {
      this.bytes = ByteBuffer.wrap(bytes);
      this.random = random;
      this.maxPerRead = maxPerRead;
    }

    @Override
    public int read() {
      return bytes.hasRemaining() ? bytes.get() & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (!bytes.hasRemaining()) {
        return -1;
      }
      int n = Math.min(Math.min(len, bytes.remaining()), 1 + random.nextInt(maxPerRead));
      bytes.get(b, off, n);
      return n;
    }
  }

  /** The channel counterpart of {@link ChoppyStream}. */
  private static final class ChoppyChannel implements ReadableByteChannel {
    private final ByteBuffer bytes;
    private final Random random;
    private final int maxPerRead;

    ChoppyChannel(byte[] bytes, Random random, int maxPerRead) {
      this.bytes = ByteBuffer.wrap(bytes);
      this.random = random;
      this.maxPerRead = maxPerRead;
    }

    @Override
    public int read(ByteBuffer dst) {
      if (!bytes.hasRemaining()) {
        return -1;
      }
      int n = Math.min(Math.min(dst.remaining(), bytes.remaining()), 1 + random.nextInt(maxPerRead));
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
