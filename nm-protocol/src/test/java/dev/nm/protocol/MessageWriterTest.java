package dev.nm.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MessageWriterTest {
  private static final int LIMIT = 1_048_576;
  /** Chunk frames are packed to within the digit allowance and one escaped character of the limit. */
  private static final int PACKING_SLACK = 32;

  private final EnvelopeCodec codec = new EnvelopeCodec();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final MessageWriter writer = new MessageWriter(FrameWriter.of(out, LIMIT, ByteOrder.LITTLE_ENDIAN), codec);

  @Test
  void replyOfExactlyTheLimitIsOneFrame() throws IOException, ProtocolException {
    Message.Success reply = new Message.Success("r1", "x".repeat(LIMIT - emptyReplyBytes()));

    writer.send(reply);

    List<byte[]> frames = frames();
    assertEquals(1, frames.size());
    assertEquals(LIMIT, frames.get(0).length);
    assertArrayEquals(codec.encode(reply), frames.get(0));
  }

  @Test
  void replyOfTheLimitPlusOneIsTwoChunks() throws IOException, ProtocolException {
    Message.Success reply = new Message.Success("r1", "x".repeat(LIMIT - emptyReplyBytes() + 1));

    writer.send(reply);

    List<Message.Chunk> chunks = assertChunked(reply, frames());
    assertEquals(2, chunks.size());
  }

  @ParameterizedTest
  @MethodSource("worstCasesForEscaping")
  void chunksOfAnyTextFitTheLimitAndReassembleExactly(String data) throws IOException, ProtocolException {
    Message.Success reply = new Message.Success("r1", data);

    writer.send(reply);

    assertChunked(reply, frames());
  }

  static Stream<Named<String>> worstCasesForEscaping() {
    Random random = new Random(42);
    String[] alphabet = {"\"", "\\", "\u0001", "\n", "\u001f", "a", "~", "é", "中", "\uD83D\uDE00", "\uD83C\uDF89"};
    StringBuilder mixed = new StringBuilder();
    while (mixed.length() < 700_000) {
      mixed.append(alphabet[random.nextInt(alphabet.length)]);
    }
    return Stream.of(
        Named.of("all quotes", "\"".repeat(600_000)),
        Named.of("all backslashes", "\\".repeat(600_000)),
        Named.of("control characters", "\u0001\u001f".repeat(100_000)),
        Named.of("emoji (surrogate pairs)", "\uD83D\uDE00".repeat(100_000)),
        Named.of("three-byte UTF-8", "中".repeat(400_000)),
        Named.of("mixed, seeded", mixed.toString()));
  }

  @Test
  void splitNeverSplitsASurrogatePair() {
    String text = "a" + "\uD83D\uDE00".repeat(100);

    List<Message.Chunk> chunks = MessageWriter.split("r1", text, 200, codec);

    StringBuilder joined = new StringBuilder();
    for (Message.Chunk chunk : chunks) {
      assertFalse(Character.isHighSurrogate(chunk.data().charAt(chunk.data().length() - 1)), chunk.data());
      assertFalse(Character.isLowSurrogate(chunk.data().charAt(0)), chunk.data());
      assertTrue(codec.encode(chunk).length <= 200);
      joined.append(chunk.data());
    }
    assertEquals(text, joined.toString());
    assertEquals(10, chunks.size(), "'a' and 10 emoji of 12 escaped bytes fill the 123 data bytes of a 200-byte frame");
  }

  @Test
  void splitRefusesALimitWithNoRoomForAnEscapedPair() {
    assertEquals(1, MessageWriter.split("r1", "x", 89, codec).size());

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> MessageWriter.split("r1", "x", 88, codec));

    assertEquals("frame limit 88 leaves no room for chunk data", e.getMessage());
  }

  @Test
  void bufferedMessagesReachThePeerWithTheNextFlushOrSend() throws IOException, ProtocolException {
    writer.buffer(new Message.Success("r1", "one"));
    writer.buffer(new Message.Success("r2", "two"));
    assertEquals(0, out.size(), "buffered, not written");

    writer.flush();
    assertEquals(List.of("r1", "r2"), requestIds(frames()));

    writer.buffer(new Message.Success("r3", "three"));
    writer.send(new Message.Success("r4", "four"));
    assertEquals(List.of("r1", "r2", "r3", "r4"), requestIds(frames()));
  }

  @Test
  void aBufferedMessageOverTheLimitIsWrittenAsChunks() throws IOException, ProtocolException {
    Message.Success reply = new Message.Success("r1", "x".repeat(LIMIT));

    writer.buffer(reply);
    writer.flush();

    assertChunked(reply, frames());
  }

  @Test
  void chunksOfConcurrentMessagesAreNeverInterleaved() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> sends = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        String id = "r" + i;
        String data = i % 2 == 0 ? "big".repeat(400_000) : "small";
        sends.add(pool.submit(() -> {
          writer.send(new Message.Success(id, data));
          return null;
        }));
      }
      for (Future<?> send : sends) {
        send.get();
      }
    } finally {
      pool.shutdown();
    }

    String chunkedId = null;
    int messages = 0;
    for (byte[] frame : frames()) {
      Message message = codec.decode(frame);
      if (message instanceof Message.Chunk chunk) {
        if (chunk.seq() > 0) {
          assertEquals(chunkedId, chunk.requestId(), "a chunk run was interrupted");
        }
        chunkedId = chunk.seq() == chunk.total() - 1 ? null : chunk.requestId();
        messages += chunk.seq() == 0 ? 1 : 0;
      } else {
        assertNull(chunkedId, "a frame arrived inside a chunk run");
        messages++;
      }
    }
    assertEquals(8, messages);
  }

  /** Asserts the frames are chunks 0..n-1 of one message, each full and within the limit, and reassemble. */
  private List<Message.Chunk> assertChunked(Message message, List<byte[]> frames) throws ProtocolException {
    assertTrue(frames.size() > 1, "expected chunks, got " + frames.size() + " frame");
    ChunkAssembler assembler = new ChunkAssembler(codec);
    List<Message.Chunk> chunks = new ArrayList<>();
    Message reassembled = null;
    for (int seq = 0; seq < frames.size(); seq++) {
      byte[] frame = frames.get(seq);
      assertTrue(frame.length <= LIMIT, "chunk " + seq + " is " + frame.length + " bytes");
      if (seq < frames.size() - 1) {
        assertTrue(frame.length >= LIMIT - PACKING_SLACK, "chunk " + seq + " is only " + frame.length + " bytes");
      }
      Message.Chunk chunk = assertInstanceOf(Message.Chunk.class, codec.decode(frame));
      assertEquals(new Message.Chunk(message.requestId(), seq, frames.size(), chunk.data()), chunk);
      chunks.add(chunk);
      reassembled = assembler.accept(chunk);
    }
    assertArrayEquals(codec.encode(message), codec.encode(reassembled));
    assertEquals(0, assembler.pending());
    return chunks;
  }

  private List<String> requestIds(List<byte[]> frames) throws ProtocolException {
    List<String> ids = new ArrayList<>();
    for (byte[] frame : frames) {
      ids.add(codec.decode(frame).requestId());
    }
    return ids;
  }

  private int emptyReplyBytes() {
    return codec.encode(new Message.Success("r1", "")).length;
  }

  private List<byte[]> frames() throws IOException {
    FrameReader reader = FrameReader.of(
        new ByteArrayInputStream(out.toByteArray()), ProtocolLimits.MAX_INBOUND_FRAME_BYTES, ByteOrder.LITTLE_ENDIAN);
    List<byte[]> frames = new ArrayList<>();
    for (byte[] frame = reader.nextFrame(); frame != null; frame = reader.nextFrame()) {
      frames.add(frame);
    }
    return frames;
  }
}
