package dev.nm.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

class ChunkAssemblerTest {
  private final ChunkAssembler assembler = new ChunkAssembler(new EnvelopeCodec());

  @Test
  void reassemblesInterleavedMessagesByRequestId() throws ProtocolException {
    assertNull(assembler.accept(new Message.Chunk("a", 0, 2, "{\"request_id\":\"a\",\"succ")));
    assertNull(assembler.accept(new Message.Chunk("b", 0, 3, "{\"request_id\":\"b\",")));
    assertEquals(2, assembler.pending());
    assertEquals(
        new Message.Success("a", new TextNode("A")),
        assembler.accept(new Message.Chunk("a", 1, 2, "ess\":true,\"data\":\"A\"}")));
    assertNull(assembler.accept(new Message.Chunk("b", 1, 3, "\"event\":\"token\",")));
    assertEquals(
        new Message.Event("b", "token", new TextNode("B")),
        assembler.accept(new Message.Chunk("b", 2, 3, "\"data\":\"B\"}")));
    assertEquals(0, assembler.pending());
  }

  @Test
  void aSingleChunkIsAWholeMessage() throws ProtocolException {
    assertEquals(
        new Message.Success("a", null),
        assembler.accept(new Message.Chunk("a", 0, 1, "{\"request_id\":\"a\",\"success\":true}")));
  }

  @Test
  void refusesChunksThatReassembleAnotherRequestsMessage() throws ProtocolException {
    assertNull(assembler.accept(new Message.Chunk("a", 0, 2, "{\"request_id\":\"b\",")));

    ProtocolException e = assertThrows(
        ProtocolException.class, () -> assembler.accept(new Message.Chunk("a", 1, 2, "\"success\":true,\"data\":1}")));

    assertEquals(ErrorCode.INVALID_FRAME, e.code());
    assertEquals("a", e.requestId());
    assertEquals("the chunks of request a reassemble a message of request b", e.getMessage());
    assertEquals(0, assembler.pending());
  }

  @Test
  void refusesAFirstChunkOtherThanZero() {
    ProtocolException e = assertThrows(ProtocolException.class, () -> assembler.accept(new Message.Chunk("r1", 1, 3, "x")));

    assertEquals(ErrorCode.INVALID_FRAME, e.code());
    assertEquals("r1", e.requestId());
    assertEquals("chunk 1/3 of request r1 arrived; expected chunk 0/3", e.getMessage());
    assertEquals(0, assembler.pending());
  }

  @Test
  void refusesAGapAndDropsThePartialMessage() throws ProtocolException {
    assembler.accept(new Message.Chunk("r1", 0, 3, "{"));

    ProtocolException e = assertThrows(ProtocolException.class, () -> assembler.accept(new Message.Chunk("r1", 2, 3, "}")));

    assertEquals(ErrorCode.INVALID_FRAME, e.code());
    assertEquals("chunk 2/3 of request r1 arrived; expected chunk 1/3", e.getMessage());
    assertEquals(0, assembler.pending());
  }

  @Test
  void refusesARepeatedChunk() throws ProtocolException {
    assembler.accept(new Message.Chunk("r1", 0, 2, "{"));

    ProtocolException e = assertThrows(ProtocolException.class, () -> assembler.accept(new Message.Chunk("r1", 0, 2, "{")));

    assertEquals("chunk 0/2 of request r1 arrived; expected chunk 1/2", e.getMessage());
  }

  @Test
  void refusesAChangedTotal() throws ProtocolException {
    assembler.accept(new Message.Chunk("r1", 0, 3, "{"));

    ProtocolException e = assertThrows(ProtocolException.class, () -> assembler.accept(new Message.Chunk("r1", 1, 4, "}")));

    assertEquals("chunk 1/4 of request r1 arrived; expected chunk 1/3", e.getMessage());
  }

  @Test
  void reassembledTextIsDecodedStrictly() throws ProtocolException {
    assembler.accept(new Message.Chunk("r1", 0, 2, "{\"request_id\":\"r1\","));

    ProtocolException e = assertThrows(ProtocolException.class, () -> assembler.accept(new Message.Chunk("r1", 1, 2, "[")));

    assertEquals(ErrorCode.INVALID_JSON, e.code());
    assertEquals(0, assembler.pending());
  }

  @Test
  void aMessageOfExactlyTheLimitIsReassembled() throws ProtocolException {
    String text = "{\"request_id\":\"a\",\"success\":true}";
    ChunkAssembler limited = new ChunkAssembler(new EnvelopeCodec(), text.length());

    assertNull(limited.accept(new Message.Chunk("a", 0, 2, text.substring(0, 20))));
    assertEquals(new Message.Success("a", null), limited.accept(new Message.Chunk("a", 1, 2, text.substring(20))));
  }

  @Test
  void refusesAMessageOverTheLimitAndDropsTheRestOfItsChunks() throws ProtocolException {
    ChunkAssembler limited = new ChunkAssembler(new EnvelopeCodec(), 40);
    assertNull(limited.accept(new Message.Chunk("big", 0, 3, "{\"request_id\":\"big\",\"success\":true,")));

    ProtocolException e =
        assertThrows(ProtocolException.class, () -> limited.accept(new Message.Chunk("big", 1, 3, "\"data\":\"123456\"")));

    assertEquals(ErrorCode.MESSAGE_TOO_LARGE, e.code());
    assertEquals("big", e.requestId());
    assertEquals(
        "the chunks of request big exceed 40 characters at chunk 1/3; the message is dropped, and so are its remaining chunks",
        e.getMessage());
    assertEquals(
        new Message.Success("a", null),
        limited.accept(new Message.Chunk("a", 0, 1, "{\"request_id\":\"a\",\"success\":true}")));
    assertNull(limited.accept(new Message.Chunk("big", 2, 3, "}")));
    assertEquals(0, limited.pending());
  }

  @Test
  void byDefaultAMessageMayHold64MiCharacters() {
    String oneTooMany = "x".repeat(ProtocolLimits.MAX_REASSEMBLED_MESSAGE_CHARS + 1);

    ProtocolException e = assertThrows(ProtocolException.class, () -> assembler.accept(new Message.Chunk("r1", 0, 1, oneTooMany)));

    assertEquals(ErrorCode.MESSAGE_TOO_LARGE, e.code());
    assertEquals(0, assembler.pending());
  }
}
