package dev.nm.host.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nm.protocol.EnvelopeCodec;
import dev.nm.protocol.ErrorCode;
import dev.nm.protocol.FrameReader;
import dev.nm.protocol.FrameWriter;
import dev.nm.protocol.Message;
import dev.nm.protocol.MessageWriter;
import dev.nm.protocol.ProtocolException;
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

  @Test
  void aRequestTheHostAnswersWithANullIdIsNotInFlight() throws Exception {
    // The daemon answers each of these with "request_id": null, so no reply will ever end it under its id, and
    // were the daemon to die the relay must not answer it again.
    List<byte[]> unusable =
        List.of(
            utf8("{\"request_id\":\"\",\"route\":\"hello\"}"),
            utf8("{\"request_id\":\"" + "x".repeat(EnvelopeCodec.MAX_REQUEST_ID_LENGTH + 1) + "\",\"route\":\"hello\"}"),
            utf8("{\"request_id\":\"deep\",\"route\":\"hello\",\"payload\":" + "[".repeat(64) + "]".repeat(64) + "}"),
            utf8("{\"request_id\":\"trailing\",\"route\":\"hello\"} x"),
            utf8("{\"request_id\":\"twice\",\"route\":\"hello\"}{}"),
            utf8("{\"request_id\":\"later\",\"route\":\"hello\",\"request_id\":7}"),
            utf8("{\"request_id\":\"again\",\"route\":\"hello\",\"request_id\":\"again\"}"),
            utf8("{\"request_id\":\"nested\",\"route\":\"hello\",\"payload\":{\"a\":[{\"b\":1,\"b\":2}]}}"),
            "{\"request_id\":\"utf16\",\"route\":\"hello\"}".getBytes(StandardCharsets.UTF_16LE),
            concat(utf8("{\"request_id\":\"overlong\",\"route\":\"hello\",\"payload\":{\"a\":\""),
                new byte[] {(byte) 0xc0, (byte) 0xaf}, utf8("\"}}")),
            concat(utf8("{\"request_id\":\"surrogate\",\"route\":\"hello\",\"payload\":{\"a\":\""),
                new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, utf8("\"}}")));
    // Deepest and longest accepted: the daemon answers these under their ids.
    List<byte[]> usable =
        List.of(
            utf8("{\"request_id\":\"" + "y".repeat(EnvelopeCodec.MAX_REQUEST_ID_LENGTH) + "\",\"route\":\"hello\"}"),
            utf8("{\"request_id\":\"deepest\",\"route\":\"hello\",\"payload\":" + "[".repeat(63) + "]".repeat(63) + "}"),
            utf8("{\"request_id\":\"no route\"}"),
            utf8(" {\"request_id\":\"\u00e9t\u00e9\",\"route\":\"hello\"}\n"));
    List<String> expected = new ArrayList<>();
    for (byte[] frame : usable) {
      expected.add(idTheHostAnswers(frame));
    }
    for (byte[] frame : unusable) {
      assertEquals(null, idTheHostAnswers(frame), new String(frame, StandardCharsets.ISO_8859_1));
      inFlight.sent(frame);
    }
    usable.forEach(inFlight::sent);

    List<String> drained = inFlight.drain();
    drained.sort(null);
    expected.sort(null);
    assertEquals(expected, drained);
  }

  /** The request_id the host's decoder answers a request frame with: its own, or null. */
  private String idTheHostAnswers(byte[] frame) {
    try {
      return codec.decodeRequest(frame).requestId();
    } catch (ProtocolException e) {
      return e.requestId();
    }
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
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
