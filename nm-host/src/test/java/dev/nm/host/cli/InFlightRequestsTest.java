package dev.nm.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nm.protocol.EnvelopeCodec;
import dev.nm.protocol.ErrorCode;
import dev.nm.protocol.FrameReader;
import dev.nm.protocol.FrameWriter;
import dev.nm.protocol.Message;
import dev.nm.protocol.MessageWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InFlightRequestsTest {
  private final EnvelopeCodec codec = new EnvelopeCodec();
  private final InFlightRequests inFlight = new InFlightRequests();

  @Test
  void aRequestIsInFlightUntilItsFinalReply() {
    inFlight.sent(utf8("{\"route\":\"chat\",\"payload\":{\"request_id\":\"nested\"},\"request_id\":\"r1\"}"));
    inFlight.sent(utf8("{\"request_id\":\"r2\",\"route\":\"hello\"}"));
    inFlight.delivered(codec.encode(new Message.Event("r1", "chat.completion.chunk", Map.of("success", true))));
    inFlight.delivered(codec.encode(new Message.Success("r2", Map.of())));

    assertEquals(List.of("r1"), inFlight.drain());
  }

  @Test
  void theLastRequestSentIsInFlightToo() {
    inFlight.sent(utf8("{\"request_id\":\"r1\",\"route\":\"chat\"}"));

    assertEquals(List.of("r1"), inFlight.drain());
  }

  @Test
  void anIdSentAgainAfterItsFinalReplyIsInFlightAgain() {
    inFlight.sent(utf8("{\"request_id\":\"r1\",\"route\":\"hello\"}"));
    inFlight.delivered(codec.encode(new Message.Success("r1", Map.of())));
    inFlight.sent(utf8("{\"request_id\":\"r1\",\"route\":\"chat\"}"));

    assertEquals(List.of("r1"), inFlight.drain());
  }

  @Test
  void aFailureIsAFinalReplyToo() {
    inFlight.sent(utf8("{\"request_id\":\"r1\",\"route\":\"nope\"}"));
    inFlight.delivered(codec.encode(Message.Failure.of("r1", ErrorCode.ROUTE_NOT_FOUND, "no route nope")));

    assertEquals(List.of(), inFlight.drain());
  }

  @Test
  void aDuplicateIdStaysInFlightUntilBothRepliesArrive() {
    inFlight.sent(utf8("{\"request_id\":\"r1\",\"route\":\"chat\"}"));
    inFlight.sent(utf8("{\"request_id\":\"r1\",\"route\":\"chat\"}"));
    inFlight.delivered(codec.encode(Message.Failure.of("r1", ErrorCode.INVALID_REQUEST, "duplicate request_id")));

    assertEquals(List.of("r1"), inFlight.drain());
    assertEquals(List.of(), inFlight.drain());
  }

  @Test
  void aChunkedFinalReplyEndsWithItsLastChunk() throws IOException {
    inFlight.sent(utf8("{\"request_id\":\"big\",\"route\":\"embeddings\"}"));
    List<byte[]> chunks = frames(new Message.Success("big", "x".repeat(5_000)));
    assertTrue(chunks.size() > 2, "the reply must be chunked for this test");

    for (byte[] chunk : chunks.subList(0, chunks.size() - 1)) {
      inFlight.delivered(chunk);
    }
    assertEquals(List.of("big"), inFlight.drain());

    inFlight.sent(utf8("{\"request_id\":\"big\",\"route\":\"embeddings\"}"));
    chunks.forEach(inFlight::delivered);
    assertEquals(List.of(), inFlight.drain());
  }

  @Test
  void aChunkedEventLeavesTheRequestInFlight() throws IOException {
    inFlight.sent(utf8("{\"request_id\":\"s\",\"route\":\"chat\"}"));
    frames(new Message.Event("s", "delta", "y".repeat(5_000))).forEach(inFlight::delivered);

    assertEquals(List.of("s"), inFlight.drain());
  }

  @Test
  void framesItCannotReadAreIgnored() {
    inFlight.sent(utf8("not json"));
    inFlight.sent(utf8("[1,2]"));
    inFlight.sent(utf8("{\"request_id\":7,\"route\":\"hello\"}"));
    inFlight.delivered(utf8("{\"request_id\":null,\"success\":false}"));
    inFlight.delivered(new byte[0]);

    assertEquals(List.of(), inFlight.drain());
  }

  /** The frames a host writer sends for {@code message} with a 1 KiB frame limit. */
  private List<byte[]> frames(Message message) throws IOException {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    new MessageWriter(FrameWriter.of(wire, 1024, ByteOrder.nativeOrder()), codec).send(message);
    FrameReader reader = FrameReader.of(new ByteArrayInputStream(wire.toByteArray()));
    List<byte[]> frames = new ArrayList<>();
    byte[] frame;
    while ((frame = reader.nextFrame()) != null) {
      frames.add(frame);
    }
    return frames;
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
