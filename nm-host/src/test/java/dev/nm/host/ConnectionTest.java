package dev.nm.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.protocol.ErrorCode;
import dev.nm.protocol.FrameReader;
import dev.nm.protocol.FrameWriter;
import dev.nm.protocol.Json;
import dev.nm.protocol.Message;
import dev.nm.protocol.ProtocolLimits;
import dev.nm.host.connection.ServerConnection;
import dev.nm.route.Services;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class ConnectionTest {
  static final String ORIGIN = "chrome-extension://abcdefghijklmnopabcdefghijklmnop/";

  final TestRoutes.Gate gate = new TestRoutes.Gate();
  NativeMessagingServer server = server(HostConfig.permissive());
  PipeClient client = PipeClient.connect(server, ORIGIN);

  NativeMessagingServer server(HostConfig config) {
    return NativeMessagingServer.builder()
        .routes(new TestRoutes())
        .services(Services.builder().add(TestRoutes.Gate.class, gate).build())
        .config(config)
        .hostVersion("9.8.7")
        .build();
  }

  /** Serves the tests' routes anew with {@code config}, and connects the client to that server. */
  private void restart(HostConfig config) {
    client.close();
    server.close();
    server = server(config);
    client = PipeClient.connect(server, ORIGIN);
  }

  @AfterEach
  void tearDown() {
    gate.release.countDown();
    client.close();
    server.close();
  }

  @Test
  void helloDescribesHostAndCaller() {
    JsonNode hello = client.ok("1", "hello", "{}");
    assertEquals("1.0", hello.get("protocol_version").asText());
    assertEquals("9.8.7", hello.get("host_version").asText());
    assertEquals(ProtocolLimits.MAX_OUTBOUND_FRAME_BYTES, hello.at("/limits/max_outbound_frame_bytes").asInt());
    assertEquals(ProtocolLimits.MAX_INBOUND_FRAME_BYTES, hello.at("/limits/max_inbound_frame_bytes").asInt());
    assertEquals(ORIGIN, hello.get("origin").asText());
    assertEquals("[\"models.manage\"]", hello.get("scopes").toString());
    List<String> routes = new ArrayList<>();
    hello.get("routes").forEach(name -> routes.add(name.asText()));
    assertEquals(
        List.of("big", "boom", "cancel", "chat", "count_up", "echo", "emit_without_streaming", "heavy_hold", "hello", "hold", "hold_text", "light", "manage", "range", "routes", "ticker", "unwritable_event", "unwritable_reply"),
        routes);
  }

  @Test
  void routesListsContractsWithParsedSchemas() {
    JsonNode routes = client.ok("1", "routes", "{}").get("routes");
    JsonNode cancel = routes.get(2);
    assertEquals("cancel", cancel.get("name").asText());
    assertEquals("UNLIMITED", cancel.get("rate_tier").asText());
    assertEquals("string", cancel.at("/request_schema/properties/request_id/type").asText());
    assertEquals("models.manage", routes.get(12).get("scope").asText());
    assertTrue(routes.get(4).get("streaming").asBoolean());
  }

  @Test
  void pipelinedRequestsAreAnsweredByRequestId() {
    for (int i = 0; i < 200; i++) {
      client.send("r" + i, "echo", "{\"text\": \"t" + i + "\"}");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      Message.Success reply = assertInstanceOf(Message.Success.class, client.next());
      String id = reply.requestId();
      assertEquals("t" + id.substring(1), ((JsonNode) reply.data()).get("text").asText());
      assertTrue(seen.add(id), "answered twice: " + id);
    }
    assertEquals(200, seen.size());
  }

  @Test
  void cancelAnswersTheCallAtOnceEvenIfItsHandlerIgnoresIt() throws Exception {
    client.send("slow", "hold", "{}");
    gate.awaitEntered(1);
    client.send("c", "cancel", "{\"request_id\": \"slow\"}");
    List<Message> replies = List.of(client.next(), client.next());
    Message.Failure cancelled = (Message.Failure) replies.stream().filter(m -> m.requestId().equals("slow")).findFirst().orElseThrow();
    assertEquals("CANCELLED", cancelled.error().code());
    Message.Success ack = (Message.Success) replies.stream().filter(m -> m.requestId().equals("c")).findFirst().orElseThrow();
    assertTrue(((JsonNode) ack.data()).get("cancelled").asBoolean());
    assertTrue(gate.cancelHookRan.await(5, java.util.concurrent.TimeUnit.SECONDS));

    gate.release.countDown();
    // The handler's late result is dropped: the next message on the wire answers the next request.
    assertEquals("second", client.ok("2", "echo", "{\"text\": \"second\"}").get("text").asText());
    assertEquals(false, client.ok("3", "cancel", "{\"request_id\": \"slow\"}").get("cancelled").asBoolean());
  }

  @Test
  void largeReplyArrivesInChunksOfAtMostOneMebibyte() {
    int chars = 750_000; // "é" is 2 UTF-8 bytes: a 1.5 MB reply
    JsonNode data = client.ok("big", "big", "{\"chars\": " + chars + "}");
    assertEquals("é".repeat(chars), data.get("value").asText());
    assertEquals(2, client.rawFrames().size());
    for (byte[] frame : client.rawFrames()) {
      assertTrue(frame.length <= ProtocolLimits.MAX_OUTBOUND_FRAME_BYTES, "frame of " + frame.length + " bytes");
    }
  }

  @Test
  void streamingRouteSendsEventsBeforeItsReply() {
    client.send("s", "count_up", "{\"chars\": 3}");
    for (int i = 1; i <= 3; i++) {
      Message.Event event = assertInstanceOf(Message.Event.class, client.next());
      assertEquals("tick", event.event());
      assertEquals(i, ((JsonNode) event.data()).asInt());
    }
    assertEquals("counted", ((JsonNode) assertInstanceOf(Message.Success.class, client.next()).data()).get("value").asText());
  }

  @Test
  void nonStreamingRouteCannotEmit() {
    Message.Failure failure = client.fail("1", "emit_without_streaming", "{}");
    assertEquals("INTERNAL_ERROR", failure.error().code());
  }

  @Test
  void handlerBugIsAnsweredWithoutItsDetails() {
    Message.Failure failure = client.fail("b1", "boom", "{}");
    assertEquals("INTERNAL_ERROR", failure.error().code());
    assertEquals("route 'boom' failed unexpectedly; the host log has the details under request_id b1", failure.error().message());
    assertTrue(failure.error().details().isEmpty());
  }

  @Test
  void heavyCallDoesNotDelayALightOne() throws Exception {
    restart(HostConfig.permissive().withWorkers(1));
    client.send("heavy", "heavy_hold", "{}");
    gate.awaitEntered(1);
    client.send("light", "light", "{}");
    assertEquals("light", client.next().requestId());
    gate.release.countDown();
    assertEquals("heavy", client.next().requestId());
  }

  /**
   * Extensions share the workers: calls waiting for one are taken from each origin in turn, so that one extension
   * keeping many chats queued delays another's by one call, not by all of its own.
   */
  @Test
  void waitingCallsOfEachOriginAreTakenInTurn() throws Exception {
    restart(HostConfig.permissive().withWorkers(1));
    String other = "chrome-extension://ponmlkjihgfedcbaponmlkjihgfedcba/";
    try (PipeClient second = PipeClient.connect(server, other)) {
      client.send("a1", "heavy_hold", "{}");
      gate.awaitEntered(1);
      for (int i = 2; i <= 5; i++) {
        client.send("a" + i, "heavy_hold", "{}");
      }
      awaitInFlight(client, 5);
      second.send("b1", "heavy_hold", "{}");
      awaitInFlight(second, 1);
      gate.release.countDown();
      for (int i = 0; i < 5; i++) {
        client.next();
      }
      assertEquals("b1", second.next().requestId());
    }
    assertEquals(List.of(ORIGIN + " a1", ORIGIN + " a2", other + " b1", ORIGIN + " a3", ORIGIN + " a4", ORIGIN + " a5"),
        List.copyOf(gate.began));
  }

  private static void awaitInFlight(PipeClient client, int calls) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (client.connection.inFlight() < calls) {
      assertTrue(System.nanoTime() < deadline, "the calls did not arrive");
      Thread.sleep(5);
    }
  }

  @Test
  void aCallBeyondTheInFlightLimitWaitsForAPermit() throws Exception {
    restart(HostConfig.permissive().withMaxInFlightPerConnection(2));
    for (int i = 0; i < 3; i++) {
      client.send("h" + i, "hold", "{}");
    }
    gate.awaitEntered(2);
    assertFalse(gate.entered.tryAcquire(200, java.util.concurrent.TimeUnit.MILLISECONDS), "a third call ran");
    assertEquals(3, client.connection.inFlight(), "two running, one waiting, all unanswered");
    gate.release.countDown();
    Set<String> answered = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      answered.add(client.next().requestId());
    }
    assertEquals(Set.of("h0", "h1", "h2"), answered);
  }

  /** Requests of a connection held unanswered add up to at most two of the largest frames before it reads on. */
  @Test
  void theReaderWaitsOnceTheUnansweredRequestsHoldTooManyBytes() throws Exception {
    String text = "x".repeat(50 << 20);
    for (int i = 0; i < 3; i++) {
      client.send("big" + i, "hold_text", "{\"text\": \"" + text + "\"}");
    }
    client.send("after", "hello", "{}");
    gate.awaitEntered(2);
    assertFalse(gate.entered.tryAcquire(300, java.util.concurrent.TimeUnit.MILLISECONDS), "a third 50 MiB request was read");
    assertEquals(2, client.connection.inFlight(), "nothing behind the third request has been read");
    gate.release.countDown();
    Set<String> answered = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      answered.add(client.next().requestId());
    }
    assertEquals(Set.of("big0", "big1", "big2", "after"), answered);
  }

  /** The reader reads on while calls wait for a permit: a cancel reaches a waiting call, which never runs. */
  @Test
  void aCancelReachesACallWaitingForAPermit() throws Exception {
    restart(HostConfig.permissive().withMaxInFlightPerConnection(1));
    client.send("h0", "hold", "{}");
    gate.awaitEntered(1);
    client.send("h1", "hold", "{}");
    client.send("c1", "cancel", "{\"request_id\": \"h1\"}");
    Message.Failure cancelled = assertInstanceOf(Message.Failure.class, client.next());
    assertEquals("h1", cancelled.requestId());
    assertEquals(ErrorCode.CANCELLED.name(), cancelled.error().code());
    Message.Success cancelReply = assertInstanceOf(Message.Success.class, client.next());
    assertEquals("c1", cancelReply.requestId());
    gate.release.countDown();
    assertEquals("h0", client.next().requestId());
    assertFalse(gate.entered.tryAcquire(200, java.util.concurrent.TimeUnit.MILLISECONDS), "the cancelled call ran");
    assertEquals(0, client.connection.inFlight());
  }

  /** Far more calls may wait than run: a cancel sent behind a hundred waiting calls is read and answered at once. */
  @Test
  void aCancelSentBehindAHundredWaitingCallsIsAnsweredAtOnce() throws Exception {
    restart(HostConfig.permissive().withMaxInFlightPerConnection(1));
    for (int i = 0; i < 101; i++) {
      client.send("h" + i, "hold", "{}");
    }
    client.send("c", "cancel", "{\"request_id\": \"h100\"}");
    gate.awaitEntered(1);
    Message.Failure cancelled = assertInstanceOf(Message.Failure.class, client.next());
    assertEquals("h100", cancelled.requestId());
    assertEquals(ErrorCode.CANCELLED.name(), cancelled.error().code());
    assertEquals("c", client.next().requestId());
    assertEquals(100, client.connection.inFlight(), "one running, 99 waiting");
    gate.release.countDown();
    Set<String> answered = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      answered.add(client.next().requestId());
    }
    assertEquals(100, answered.size());
    assertFalse(answered.contains("h100"));
  }

  /** Beyond {@link ServerConnection#MAX_WAITING} waiting calls the reader waits: a flood is slowed, never dropped. */
  @Test
  void theReaderWaitsOnceTheMostCallsWait() throws Exception {
    restart(HostConfig.permissive().withMaxInFlightPerConnection(1));
    int sent = 1 + ServerConnection.MAX_WAITING + 1;
    for (int i = 0; i < sent; i++) {
      client.send("h" + i, "hold", "{}");
    }
    client.send("after", "hello", "{}");
    gate.awaitEntered(1);
    awaitInFlight(client, sent - 1);
    Thread.sleep(300);
    assertEquals(sent - 1, client.connection.inFlight(), "the request beyond the waiting ones was not read");
    gate.release.countDown();
    Set<String> answered = new HashSet<>();
    for (int i = 0; i <= sent; i++) {
      answered.add(client.next().requestId());
    }
    assertEquals(sent + 1, answered.size());
    assertTrue(answered.contains("after"));
  }

  @Test
  void endOfStreamCancelsInFlightCallsAndEndsTheConnection() throws Exception {
    client.send("slow", "hold", "{}");
    gate.awaitEntered(1);
    client.closeOutput();
    // A standalone host must exit within about two seconds of its browser port closing.
    assertTrue(client.connection.await(java.time.Duration.ofSeconds(2)), "connection ended after end of stream");
    assertTrue(gate.cancelHookRan.await(5, java.util.concurrent.TimeUnit.SECONDS));
    assertEquals(0, server.connectionCount());
    assertNull(client.next(), "nothing is sent after the caller left");
  }

  @Test
  void closingEndsAConnectionWhosePeerStoppedReadingMidStream() throws Exception {
    client.send("flood", "count_up", "{\"chars\": 100000000}");
    Thread.sleep(500); // the pipe and the writer's buffer fill up: the handler blocks writing an event
    Thread closer = new Thread(client.connection::close);
    closer.start();
    closer.join(5_000);
    assertFalse(closer.isAlive(), "close() returned although the peer reads nothing");
    assertTrue(client.connection.await(java.time.Duration.ofSeconds(5)));
    assertEquals(0, server.connectionCount());
  }

  @Test
  void serverCloseEndsConnectionsAndCancelsCalls() throws Exception {
    client.send("slow", "hold", "{}");
    gate.awaitEntered(1);
    server.close();
    client.connection.await();
    assertTrue(gate.cancelHookRan.await(5, java.util.concurrent.TimeUnit.SECONDS));
    assertEquals(0, server.connectionCount());
  }

  @Test
  void serveAnswersOverStreamsAndReturnsAtEndOfInput() throws Exception {
    PipedOutputStream browserOut = new PipedOutputStream();
    PipedInputStream hostIn = new PipedInputStream(browserOut, 1 << 16);
    PipedInputStream browserIn = new PipedInputStream(1 << 16);
    PipedOutputStream hostOut = new PipedOutputStream(browserIn);
    Thread host = new Thread(() -> server.serve(hostIn, hostOut, ORIGIN));
    host.start();

    FrameWriter.of(browserOut).writeFrame("{\"request_id\":\"1\",\"route\":\"echo\",\"payload\":{\"text\":\"hi\"}}".getBytes(StandardCharsets.UTF_8));
    JsonNode reply = Json.mapper().readTree(FrameReader.of(browserIn).nextFrame());
    assertEquals("hi", reply.at("/data/text").asText());

    browserOut.close();
    host.join(5_000);
    assertFalse(host.isAlive(), "serve returned after end of input");
  }

  @Test
  void awaitIdleReturnsOnceNoConnectionHasBeenOpenForTheTimeout() throws Exception {
    restart(HostConfig.permissive().withIdleTimeoutSeconds(1));
    Thread waiter = awaitIdleInBackground();
    client.ok("1", "hello", "{}");
    assertTrue(waiter.isAlive(), "a connection is open");
    client.close();
    waiter.join(10_000);
    assertFalse(waiter.isAlive());
    assertEquals(0, server.connectionCount());
  }

  /** A shorter idle timeout put in force while the server waits ends the wait by its own measure, not the old one's. */
  @Test
  void aShorterIdleTimeoutAppliesToTheWaitInProgress() throws Exception {
    restart(HostConfig.permissive().withIdleTimeoutSeconds(3600));
    client.close();
    Thread waiter = awaitIdleInBackground();
    Thread.sleep(200);
    assertTrue(waiter.isAlive(), "idle for an hour first");
    server.updateConfig(server.config().withIdleTimeoutSeconds(1));
    waiter.join(10_000);
    assertFalse(waiter.isAlive(), "still waiting out the hour");
  }

  private Thread awaitIdleInBackground() {
    Thread waiter = new Thread(() -> {
      try {
        server.awaitIdle();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    waiter.start();
    return waiter;
  }

  @Test
  void cancelNeverCancelsItself() {
    assertEquals(false, client.ok("self", "cancel", "{\"request_id\": \"self\"}").get("cancelled").asBoolean());
  }

  @Test
  void aRequestIdIsFreeAgainOnceAnswered() {
    for (int i = 0; i < 50; i++) {
      assertEquals("again", client.ok("same", "echo", "{\"text\": \"again\"}").get("text").asText());
    }
  }

  @Test
  void cancelledStreamAnswersOnceAndEmitsNothingAfter() throws Exception {
    client.send("t", "ticker", "{}");
    gate.awaitEntered(1);
    client.send("c", "cancel", "{\"request_id\": \"t\"}");
    Message.Failure cancelled = null;
    boolean acknowledged = false;
    while (cancelled == null || !acknowledged) {
      Message message = client.next();
      if (message instanceof Message.Event event) {
        assertNull(cancelled, "an event after the reply: " + event);
      } else if (message instanceof Message.Failure failure) {
        cancelled = failure;
      } else {
        acknowledged = message.requestId().equals("c");
      }
    }
    assertEquals("t", cancelled.requestId());
    assertEquals("CANCELLED", cancelled.error().code());
    assertTrue(gate.release.await(5, java.util.concurrent.TimeUnit.SECONDS), "the handler stopped");
    assertTrue(gate.sawCancellation, "emit threw CANCELLED");
    // The next message on the wire answers the next request: no stray tick followed the reply.
    assertEquals("after", client.ok("after", "echo", "{\"text\": \"after\"}").get("text").asText());
  }

  @Test
  void unwritableDataIsAnsweredOnceWithAnInternalError() {
    Message.Failure reply = client.fail("r", "unwritable_reply", "{}");
    assertEquals("INTERNAL_ERROR", reply.error().code());
    assertEquals("the reply could not be encoded as JSON; the host log has the details under request_id r", reply.error().message());
    Message.Failure event = client.fail("e", "unwritable_event", "{}");
    assertEquals("INTERNAL_ERROR", event.error().code());
    assertEquals("after", client.ok("after", "echo", "{\"text\": \"after\"}").get("text").asText());
  }
}
