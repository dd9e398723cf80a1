package dev.nm.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.protocol.ErrorCode;
import dev.nm.protocol.Json;
import dev.nm.protocol.Message;
import dev.nm.protocol.ProtocolLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class NmClientTest {
  private final FramedPipe pipe = FramedPipe.open();
  private final ScriptedHost host = new ScriptedHost(pipe.host());
  private final NmClient client = NmClient.over(pipe.browser()).callTimeout(Duration.ofSeconds(10));

  @AfterEach
  void closePipe() {
    pipe.close();
  }

  @Test
  void pipelinedRequestsGetTheirOwnRepliesWhateverTheOrder() throws Exception {
    CompletableFuture<Reply> first = client.callAsync("echo", Map.of("n", 1));
    CompletableFuture<Reply> second = client.callAsync("echo", Map.of("n", 2));
    CompletableFuture<Reply> third = client.callAsync("echo", Map.of("n", 3));
    List<Message.Request> requests = List.of(host.nextRequest(), host.nextRequest(), host.nextRequest());

    for (int i : new int[] {2, 0, 1}) {
      Message.Request request = requests.get(i);
      host.send(new Message.Success(request.requestId(), Map.of("n", request.payload().get("n").asInt() * 10)));
    }

    assertEquals(10, first.get(10, TimeUnit.SECONDS).data().get("n").asInt());
    assertEquals(20, second.get(10, TimeUnit.SECONDS).data().get("n").asInt());
    assertEquals(30, third.get(10, TimeUnit.SECONDS).data().get("n").asInt());
    client.close();
  }

  @Test
  void generatedRequestIdsAreUniqueAndGivenOnesAreSentAsIs() throws Exception {
    client.callAsync("echo", Map.of());
    client.callAsync("echo", Map.of());
    client.callAsync("mine", "echo", Map.of());

    assertEquals(List.of("nm-1", "nm-2", "mine"),
        List.of(host.nextRequest().requestId(), host.nextRequest().requestId(), host.nextRequest().requestId()));
  }

  @Test
  void anIdStillInFlightCannotBeReused() {
    client.callAsync("job", "echo", Map.of());

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> client.callAsync("job", "echo", Map.of()));
    assertEquals("request id 'job' is already in flight; give each pending call its own id", e.getMessage());
  }

  @Test
  void streamPassesEventsAsTheyArriveAndKeepsThemInTheReply() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    CompletableFuture<Reply> reply =
        CompletableFuture.supplyAsync(() -> client.stream("count", Map.of(), event -> seen.add(event.data().toString())));
    String id = host.nextRequest().requestId();
    host.send(new Message.Event(id, "tick", 1));
    host.send(new Message.Event(id, "tick", 2));
    host.send(new Message.Success(id, Map.of("ticks", 2)));

    Reply done = reply.get(10, TimeUnit.SECONDS);
    assertEquals(List.of("1", "2"), seen);
    assertEquals(List.of("tick", "tick"), done.events().stream().map(Message.Event::event).toList());
    assertEquals(2, done.data().get("ticks").asInt());
  }

  @Test
  void chunkedRepliesAreReassembled() throws Exception {
    String big = "x".repeat(2_500_000);
    CompletableFuture<Reply> reply = client.callAsync("big", Map.of());
    String id = host.nextRequest().requestId();

    host.send(new Message.Success(id, Map.of("text", big)));

    assertEquals(big, reply.get(10, TimeUnit.SECONDS).data().get("text").textValue());
  }

  /** A chunked reply over the 64 Mi characters the client reassembles fails that call only, as the protocol says. */
  @Test
  void aChunkedReplyOverTheLimitFailsOnlyItsCall() throws Exception {
    CompletableFuture<Reply> huge = client.callAsync("huge", Map.of());
    String hugeId = host.nextRequest().requestId();
    CompletableFuture<Reply> small = client.callAsync("small", Map.of());
    String smallId = host.nextRequest().requestId();

    String slice = "x".repeat(1_000_000); // a chunk frame of its own, under the 1 MiB frame limit
    int total = ProtocolLimits.MAX_REASSEMBLED_MESSAGE_CHARS / slice.length() + 1;
    for (int seq = 0; seq < total; seq++) {
      host.send(new Message.Chunk(hugeId, seq, total, slice));
    }
    // The oversized message was one of its events: the host goes on with the call, to its final reply.
    host.send(new Message.Event(hugeId, "tick", Map.of()));
    host.send(new Message.Success(hugeId, Map.of("text", "done")));
    host.send(new Message.Success(smallId, Map.of("text", "fine")));

    assertEquals("fine", small.get(20, TimeUnit.SECONDS).data().get("text").textValue());
    Reply failed = huge.get(20, TimeUnit.SECONDS);
    assertEquals(ErrorCode.MESSAGE_TOO_LARGE.name(), failed.error().code(), failed.toString());
  }

  @Test
  void cancelSendsTheCancelRouteNamingTheRequest() throws Exception {
    client.callAsync("slow-1", "generate", Map.of());
    host.nextRequest();

    client.cancel("slow-1");

    Message.Request cancel = host.nextRequest();
    assertEquals("cancel", cancel.route());
    assertEquals(Json.mapper().readTree("{\"request_id\":\"slow-1\"}"), cancel.payload());
  }

  @Test
  void aFailureIsAReplyToo() throws Exception {
    CompletableFuture<Reply> reply = client.callAsync("nope", Map.of());
    String id = host.nextRequest().requestId();
    host.send(Message.Failure.of(id, ErrorCode.ROUTE_NOT_FOUND, "no route named 'nope'"));

    Reply failure = reply.get(10, TimeUnit.SECONDS);
    assertFalse(failure.succeeded());
    assertEquals("ROUTE_NOT_FOUND", failure.error().code());
  }

  @Test
  void aRawFrameIsAnsweredByTheNextReplyWithoutARequestId() throws Exception {
    CompletableFuture<Reply> reply = CompletableFuture.supplyAsync(() -> client.callRaw("{not json".getBytes(UTF_8)));
    assertEquals("{not json", new String(host.nextFrame(), UTF_8));
    host.send(Message.Failure.of(null, ErrorCode.INVALID_JSON, "frame is not valid UTF-8 JSON"));

    Reply failure = reply.get(10, TimeUnit.SECONDS);
    assertNull(failure.requestId());
    assertEquals("INVALID_JSON", failure.error().code());
  }

  @Test
  void aReplyToNoPendingRequestIsAViolationQuotingTheFrame() throws Exception {
    CompletableFuture<Reply> waiting = client.callAsync("echo", Map.of());
    host.nextRequest();
    host.sendFrame("{\"request_id\":\"ghost\",\"success\":true,\"data\":{}}");

    ExecutionException e = assertThrows(ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS));
    String expected =
        "protocol violation: the host sent a final reply for request 'ghost', which is not in flight\n"
            + "  frame: {\"request_id\":\"ghost\",\"success\":true,\"data\":{}}";
    assertTrue(e.getCause().getMessage().endsWith(expected), e.getCause().getMessage());
    AssertionError later = assertThrows(AssertionError.class, () -> client.call("echo", Map.of()));
    assertEquals(expected, later.getMessage());
    AssertionError onClose = assertThrows(AssertionError.class, client::close);
    assertEquals(expected, onClose.getMessage());
  }

  @Test
  void aFrameThatIsNotAnEnvelopeIsAViolation() {
    CompletableFuture<Reply> waiting = client.callAsync("echo", Map.of());
    host.nextRequest();
    host.sendFrame("[1,2]");

    ExecutionException e = assertThrows(ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS));
    assertTrue(e.getCause().getMessage().endsWith(
        "protocol violation: the host sent a frame that is not a valid envelope (an envelope must be a JSON object, got an array)\n"
            + "  frame: [1,2]"), e.getCause().getMessage());
  }

  @Test
  void anEventAfterTheFinalReplyIsAViolation() throws Exception {
    CompletableFuture<Reply> first = client.callAsync("a", "echo", Map.of());
    host.nextRequest();
    host.send(new Message.Success("a", Map.of()));
    first.get(10, TimeUnit.SECONDS);
    CompletableFuture<Reply> second = client.callAsync("echo", Map.of());
    host.nextRequest();
    host.send(new Message.Event("a", "late", null));

    ExecutionException e = assertThrows(ExecutionException.class, () -> second.get(10, TimeUnit.SECONDS));
    assertTrue(e.getCause().getMessage().contains("the host sent an event for request 'a' after its final reply"),
        e.getCause().getMessage());
  }

  @Test
  void theHostClosingItsOutputFailsPendingCalls() {
    CompletableFuture<Reply> waiting = client.callAsync("echo", Map.of());
    host.nextRequest();
    host.closeOutput();

    ExecutionException e = assertThrows(ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS));
    assertEquals(
        "request 'nm-1' (route 'echo', 0 events received) failed: "
            + "the host closed its output (end of stream) while a reply was still awaited",
        e.getCause().getMessage());
  }

  @Test
  void aCallWithoutAReplyFailsAfterTheTimeout() {
    client.callTimeout(Duration.ofMillis(50));

    AssertionError e = assertThrows(AssertionError.class, () -> client.call("silent", Map.of()));
    assertEquals("no final reply to request 'nm-1' (route 'silent', 0 events received) within 50 ms", e.getMessage());
  }

  @Test
  void aListenerThatThrowsFailsItsCall() throws Exception {
    CompletableFuture<Reply> reply =
        CompletableFuture.supplyAsync(() -> client.stream("count", Map.of(), event -> {
          throw new IllegalStateException("listener broke on " + event.event());
        }));
    String id = host.nextRequest().requestId();
    host.send(new Message.Event(id, "tick", 1));
    host.send(new Message.Success(id, Map.of()));

    ExecutionException e = assertThrows(ExecutionException.class, () -> reply.get(10, TimeUnit.SECONDS));
    assertEquals("listener broke on tick", e.getCause().getMessage());
  }

  @Test
  void aListenerAssertionFailsItsCallAndTheClientReadsOn() throws Exception {
    CompletableFuture<Reply> reply =
        CompletableFuture.supplyAsync(() -> client.stream("count", Map.of(), event -> {
          throw new AssertionError("listener expected no " + event.event());
        }));
    String id = host.nextRequest().requestId();
    host.send(new Message.Event(id, "tick", 1));
    host.send(new Message.Success(id, Map.of()));

    ExecutionException e = assertThrows(ExecutionException.class, () -> reply.get(10, TimeUnit.SECONDS));
    assertEquals("listener expected no tick", e.getCause().getMessage());
    CompletableFuture<Reply> next = client.callAsync("echo", Map.of());
    host.send(new Message.Success(host.nextRequest().requestId(), Map.of()));
    assertTrue(next.get(10, TimeUnit.SECONDS).succeeded());
  }

  @Test
  void replyDataAndErrorExplainAMismatchedOutcome() {
    Reply success = new Reply(new Message.Success("r1", Map.of("a", 1)), new ArrayList<>());
    JsonNode data = success.data();
    assertEquals(1, data.get("a").asInt());

    AssertionError e = assertThrows(AssertionError.class, success::error);
    assertEquals("expected a failure but the host succeeded:\n{\"request_id\":\"r1\",\"success\":true,\"data\":{\"a\":1}}", e.getMessage());
  }
}
