package dev.nm.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.nm.protocol.EnvelopeCodec;
import dev.nm.protocol.FrameReader;
import dev.nm.protocol.FrameWriter;
import dev.nm.protocol.Json;
import dev.nm.protocol.Message;
import dev.nm.route.Services;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reader answers UNLIMITED routes itself and keeps their replies in the writer's buffer while more whole
 * requests are waiting: a burst is answered with one write, and no reply is ever left behind in the buffer.
 * Each burst is written with one call of at most 4096 bytes, which a pipe delivers whole, so the reader sees
 * it at once.
 */
@Timeout(20)
class ReplyBatchingTest {
  final TestRoutes.Gate gate = new TestRoutes.Gate();
  final EnvelopeCodec codec = new EnvelopeCodec();
  NativeMessagingServer server;
  Pipe up;
  Pipe down;
  CountingChannel toClient;
  FrameReader fromServer;

  void connect(HostConfig config) throws IOException {
    server =
        NativeMessagingServer.builder()
            .routes(new TestRoutes())
            .services(Services.builder().add(TestRoutes.Gate.class, gate).build())
            .config(config)
            .build();
    up = Pipe.open();
    down = Pipe.open();
    toClient = new CountingChannel(down.sink());
    server.open(FrameReader.of(up.source()), FrameWriter.of(toClient), ConnectionTest.ORIGIN, up.source());
    fromServer = FrameReader.of(down.source());
  }

  @AfterEach
  void tearDown() throws IOException {
    gate.release.countDown();
    server.close();
    up.sink().close();
    down.source().close();
  }

  @Test
  void aLoneRequestIsAnsweredThoughNothingFollowsIt() throws Exception {
    connect(HostConfig.permissive());
    sendBurst(request("1", "hello"));
    assertEquals("1", next().requestId());
    assertEquals(1, toClient.writes.get());
  }

  @Test
  void aBurstOfUnlimitedRequestsIsAnsweredWithOneWrite() throws Exception {
    connect(HostConfig.permissive());
    List<byte[]> burst = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      burst.add(request("h" + i, i % 2 == 0 ? "hello" : "cancel"));
    }
    sendBurst(burst.toArray(byte[][]::new));
    for (int i = 0; i < 10; i++) {
      Message reply = next();
      assertEquals("h" + i, reply.requestId(), "the reader answers in the order requests arrive");
      Class<? extends Message> expected = i % 2 == 0 ? Message.Success.class : Message.Failure.class;
      assertEquals(expected, reply.getClass(), "hello succeeds, cancel without a request_id fails validation");
    }
    assertEquals(1, toClient.writes.get());
  }

  @Test
  void aBurstMixingReaderAndWorkerRepliesLeavesNoneInTheBuffer() throws Exception {
    connect(HostConfig.permissive());
    sendBurst(request("a", "hello"), request("b", "light"), request("c", "hello"), request("d", "nonexistent"));
    List<String> answered = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      answered.add(next().requestId());
    }
    answered.sort(null);
    assertEquals(List.of("a", "b", "c", "d"), answered);
  }

  @Test
  void theReaderFlushesBeforeWaitingForAPermit() throws Exception {
    connect(HostConfig.permissive().withMaxInFlightPerConnection(1));
    // "held" takes the only permit and holds it; the reader answers "quick" and then waits for a permit for
    // "queued", which it gets only once "held" ends: "quick" must reach the client before that.
    sendBurst(request("held", "hold"), request("quick", "hello"), request("queued", "hold"));
    gate.awaitEntered(1);
    assertEquals("quick", next().requestId());
    gate.release.countDown();
    assertEquals("held", next().requestId());
    assertEquals("queued", next().requestId());
  }

  @Test
  void cancelOvertakesQueuedWorkAndNeedsNoPermit() throws Exception {
    connect(HostConfig.permissive().withWorkers(1).withMaxInFlightPerConnection(2));
    // "running" occupies the only worker, "queued" waits for it and holds the second permit.
    sendBurst(request("running", "hold"), request("queued", "hold"));
    gate.awaitEntered(1);
    sendBurst(codec.encode(new Message.Request("c", "cancel", Json.mapper().createObjectNode().put("request_id", "queued"))));
    Message.Failure cancelled = assertInstanceOf(Message.Failure.class, next());
    assertEquals("queued", cancelled.requestId());
    assertEquals("CANCELLED", cancelled.error().code());
    Message.Success ack = assertInstanceOf(Message.Success.class, next());
    assertEquals("c", ack.requestId());
    assertEquals(true, Json.mapper().valueToTree(ack.data()).get("cancelled").asBoolean());
    gate.release.countDown();
    assertEquals("running", next().requestId());
  }

  private byte[] request(String id, String route) {
    return codec.encode(new Message.Request(id, route, Json.mapper().createObjectNode()));
  }

  /** Writes the frames with one write call. */
  private void sendBurst(byte[]... bodies) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    FrameWriter frames = FrameWriter.of(bytes);
    for (byte[] body : bodies) {
      frames.bufferFrame(body);
    }
    frames.flush();
    ByteBuffer burst = ByteBuffer.wrap(bytes.toByteArray());
    if (burst.remaining() > 4096) {
      throw new IllegalArgumentException("a burst over PIPE_BUF may reach the reader in parts");
    }
    assertEquals(burst.remaining(), up.sink().write(burst));
  }

  private Message next() throws Exception {
    return codec.decode(fromServer.nextFrame());
  }

  /** Counts the write calls the server makes. */
  private static final class CountingChannel implements WritableByteChannel {
    final AtomicInteger writes = new AtomicInteger();
    private final WritableByteChannel channel;

    CountingChannel(WritableByteChannel channel) {
      this.channel = channel;
    }

    @Override
    public int write(ByteBuffer bytes) throws IOException {
      writes.incrementAndGet();
      return channel.write(bytes);
    }

    @Override
    public boolean isOpen() {
      return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
