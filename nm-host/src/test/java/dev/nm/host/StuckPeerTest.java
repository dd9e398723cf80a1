package dev.nm.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nm.protocol.ErrorCode;
import dev.nm.protocol.Message;
import dev.nm.route.RateTier;
import dev.nm.route.RouteDescriptor;
import dev.nm.route.RouteHandler;
import dev.nm.route.RouteTable;
import dev.nm.route.Services;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A peer that stops reading, a call cancelled before a worker takes it, and failures where the runtime has no
 * handler to blame: none of them may hold up other connections, spend what a call that never ran should not, or
 * leave a request unanswered or a connection never ended.
 */
@Timeout(30)
class StuckPeerTest {
  private static final String ORIGIN = "chrome-extension://abcdefghijklmnopabcdefghijklmnop/";

  record Size(int chars) {}

  record Reply(String value) {}

  record Empty() {}

  /** Jackson's writer meets an Error it does not wrap. */
  record OutOfMemoryReply(String value) {
    @Override
    public String value() {
      throw new OutOfMemoryError("test: no room for the reply");
    }
  }

  private final CountDownLatch release = new CountDownLatch(1);

  final class Routes implements RouteTable {
    @Override
    public List<RouteDescriptor<?, ?>> routes() {
      return List.of(
          route("big", Size.class, Reply.class, () -> (request, context) -> new Reply("x".repeat(request.chars()))).build(),
          route("light", Empty.class, Reply.class, () -> (request, context) -> new Reply("light")).rateTier(RateTier.LIGHT).build(),
          route("hold", Empty.class, Reply.class, () -> (request, context) -> {
                release.await();
                return new Reply("held");
              })
              .rateTier(RateTier.STANDARD)
              .build(),
          route("error_in_hook", Empty.class, Reply.class, () -> (request, context) -> {
                context.cancellation().onCancel(() -> {
                  throw new AssertionError("test: a cancellation hook's Error");
                });
                release.await();
                return new Reply("held");
              })
              .build(),
          route("oom_reply", Empty.class, OutOfMemoryReply.class, () -> (request, context) -> new OutOfMemoryReply("x"))
              .build(),
          route("throws_error", Empty.class, Reply.class, () -> (request, context) -> {
                throw new OutOfMemoryError("test: a handler's Error");
              })
              .build(),
          route("errors_counted", Empty.class, Reply.class,
                  () -> (request, context) -> new Reply(context.service(RouteStats.class).snapshot(o -> true).stream()
                      .filter(route -> route.route().equals("throws_error"))
                      .map(route -> route.calls() + " " + route.errors())
                      .findFirst()
                      .orElse("none")))
              .rateTier(RateTier.UNLIMITED)
              .build(),
          route("in_flight", Empty.class, Reply.class,
                  () -> (request, context) -> new Reply(Integer.toString(context.service(HostStatus.class).inFlightCalls())))
              .rateTier(RateTier.UNLIMITED)
              .build());
    }

    private <Q, R> RouteDescriptor.Builder<Q, R> route(
        String name, Class<Q> request, Class<R> reply, Supplier<? extends RouteHandler<Q, R>> factory) {
      return RouteDescriptor.builder(name, request, reply, factory)
          .description("test route " + name)
          .handlerType(Routes.class)
          .requestSchema("{\"type\":\"object\"}")
          .responseSchema("{\"type\":\"object\"}");
    }
  }

  private NativeMessagingServer server;

  private NativeMessagingServer start(HostConfig config) {
    return start(NativeMessagingServer.builder().config(config));
  }

  private NativeMessagingServer start(NativeMessagingServer.Builder builder) {
    server = builder.routes(new Routes()).services(Services.builder().build()).build();
    return server;
  }

  @AfterEach
  void tearDown() {
    release.countDown();
    if (server != null) {
      server.close();
    }
  }

  /**
   * A peer that reads nothing while large replies wait for it holds up the one worker writing to it; the other
   * workers go on serving every other connection.
   */
  @Test
  void aPeerThatStopsReadingHoldsUpNoWorkerButTheOneWritingToIt() throws Exception {
    start(HostConfig.permissive().withWorkers(2));
    try (PipeClient stuck = PipeClient.connect(server, ORIGIN);
        PipeClient other = PipeClient.connect(server, ORIGIN)) {
      // Each reply is far more than the pipe and the writer's buffer hold, and no one reads them.
      for (int i = 0; i < 4; i++) {
        stuck.send("big-" + i, "big", "{\"chars\": 4000000}");
      }
      Thread.sleep(500);
      CompletableFuture<Message> reply = CompletableFuture.supplyAsync(() -> other.call("1", "light", "{}"));
      assertEquals("light", jsonValue(reply.get(5, TimeUnit.SECONDS)));
      java.util.Set<String> answered = new java.util.TreeSet<>();
      for (int i = 0; i < 4; i++) {
        Message.Success big = assertInstanceOf(Message.Success.class, stuck.next());
        assertEquals(4_000_000, jsonValue(big).length());
        answered.add(big.requestId());
      }
      assertEquals(java.util.Set.of("big-0", "big-1", "big-2", "big-3"), answered, "every reply, whole, once the peer reads");
    }
  }

  /**
   * A peer that sends requests and reads no reply is given no further call once it leaves twice the largest frame
   * unread: the replies queued for it are bounded by that and the calls running then, as when workers wrote replies
   * themselves.
   */
  @Test
  void aPeerThatReadsNoReplyIsReadNoFurther() throws Exception {
    start(HostConfig.permissive().withWorkers(2).withMaxInFlightPerConnection(8));
    try (PipeClient stuck = PipeClient.connect(server, ORIGIN)) {
      CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
        for (int i = 0; i < 200; i++) {
          stuck.send("big-" + i, "big", "{\"chars\": 1000000}");
        }
      });
      Thread.sleep(3_000);
      long unsent = unsentBytes(stuck.connection);
      // The limit, and the replies of the calls running when it was reached: at most 8, of a megabyte each.
      assertTrue(unsent <= dev.nm.host.connection.ServerConnection.MAX_UNREAD_BYTES + (9 << 20),
          "replies queued for a peer that reads none: " + unsent);
      java.util.Set<String> answered = new java.util.HashSet<>();
      for (int i = 0; i < 200; i++) {
        answered.add(stuck.next().requestId());
      }
      sender.get(10, TimeUnit.SECONDS);
      assertEquals(200, answered.size(), "every request answered once the peer reads");
    }
  }

  private static long unsentBytes(Connection connection) throws ReflectiveOperationException {
    java.lang.reflect.Field outbound = connection.getClass().getDeclaredField("outbound");
    outbound.setAccessible(true);
    Object queue = outbound.get(connection);
    java.lang.reflect.Method unsent = queue.getClass().getDeclaredMethod("unsentBytes");
    unsent.setAccessible(true);
    return (long) unsent.invoke(queue);
  }

  /**
   * A peer that reads nothing while a reply waits for it is closed after the write-stall time, which frees the worker
   * writing to it; a peer that reads is not.
   */
  @Test
  void aPeerThatReadsNothingForTheStallTimeIsClosed() throws Exception {
    start(NativeMessagingServer.builder().config(HostConfig.permissive()).writeStallTimeout(Duration.ofMillis(800)));
    try (PipeClient reading = PipeClient.connect(server, ORIGIN);
        PipeClient stuck = PipeClient.connect(server, ORIGIN)) {
      stuck.send("big", "big", "{\"chars\": 4000000}");
      assertTrue(stuck.connection.await(Duration.ofSeconds(10)), "the stuck peer's connection was closed");
      for (int i = 0; i < 3; i++) {
        assertEquals(4_000_000, jsonValue(reading.call("r" + i, "big", "{\"chars\": 4000000}")).length());
        Thread.sleep(400);
      }
      assertTrue(reading.connection.isOpen(), "a peer that reads stays");
    }
  }

  private static String jsonValue(Message message) {
    return dev.nm.protocol.Json.mapper().valueToTree(((Message.Success) message).data()).get("value").asText();
  }

  /** A call cancelled while it waited for a worker never runs: it spends none of its origin's rate limit. */
  @Test
  void aCallCancelledBeforeItRanSpendsNoRateLimit() throws Exception {
    start(HostConfig.permissive().withWorkers(1).withRateLimit(RateTier.STANDARD, new HostConfig.RateLimit(2, 1)));
    try (PipeClient client = PipeClient.connect(server, ORIGIN)) {
      client.send("first", "hold", "{}");
      for (int i = 0; i < 5; i++) {
        client.send("queued-" + i, "hold", "{}");
        client.send("c" + i, "cancel", "{\"request_id\": \"queued-" + i + "\"}");
        assertEquals(ErrorCode.CANCELLED.name(), assertInstanceOf(Message.Failure.class, replyTo(client, "queued-" + i)).error().code());
      }
      release.countDown();
      assertInstanceOf(Message.Success.class, replyTo(client, "first"));
      Message second = replyTo(client, "second", "hold");
      assertInstanceOf(Message.Success.class, second, "one token was spent, by the call that ran: " + second);
    }
  }

  /**
   * The calls of a port that closes while they wait for a worker leave the pool's queue at once, requests and all,
   * instead of waiting there for a worker to drop them.
   */
  @Test
  void callsCancelledWhileTheyWaitForAWorkerLeaveThePoolAtOnce() throws Exception {
    start(HostConfig.permissive().withWorkers(1));
    try (PipeClient holder = PipeClient.connect(server, ORIGIN)) {
      holder.send("held", "hold", "{}");
      PipeClient leaving = PipeClient.connect(server, ORIGIN);
      for (int i = 0; i < 5; i++) {
        leaving.send("queued-" + i, "hold", "{}");
      }
      assertEquals("7", leaving.ok("count", "in_flight", "{}").get("value").asText(), "held, five queued, and this call");
      leaving.close();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      String inFlight;
      while (!(inFlight = holder.ok("n", "in_flight", "{}").get("value").asText()).equals("2") && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals("2", inFlight, "the held call and this one; the worker is still held");
    }
  }

  /** A handler's Error is answered INTERNAL_ERROR and counted as one in the route's statistics, not left out. */
  @Test
  void aHandlersErrorIsCountedAsAnInternalError() {
    start(HostConfig.permissive());
    try (PipeClient client = PipeClient.connect(server, ORIGIN)) {
      assertEquals(ErrorCode.INTERNAL_ERROR.name(), client.fail("1", "throws_error", "{}").error().code());
      assertEquals("1 {INTERNAL_ERROR=1}", client.ok("2", "errors_counted", "{}").get("value").asText());
    }
  }

  /** Sends the request, then reads until its reply. */
  private static Message replyTo(PipeClient client, String requestId, String route) {
    client.send(requestId, route, "{}");
    return replyTo(client, requestId);
  }

  /** Reads until the reply to {@code requestId}, skipping other messages. */
  private static Message replyTo(PipeClient client, String requestId) {
    while (true) {
      Message message = client.next();
      if (message == null || requestId.equals(message.requestId()) && !(message instanceof Message.Event)) {
        return message;
      }
    }
  }

  /** An Error thrown by a cancellation hook as the port closes still ends the connection. */
  @Test
  void anErrorInACancellationHookStillEndsTheConnection() throws Exception {
    start(HostConfig.permissive());
    PipeClient client = PipeClient.connect(server, ORIGIN);
    client.send("held", "error_in_hook", "{}");
    Thread.sleep(300);
    client.closeOutput();
    assertTrue(client.connection.await(Duration.ofSeconds(3)), "the connection ended");
    assertEquals(0, server.connectionCount());
    client.close();
  }

  /** An Error while the reply is encoded answers INTERNAL_ERROR instead of leaving the request unanswered. */
  @Test
  void anErrorEncodingTheReplyIsAnsweredAsAnInternalError() {
    start(HostConfig.permissive());
    try (PipeClient client = PipeClient.connect(server, ORIGIN)) {
      Message.Failure failure = client.fail("1", "oom_reply", "{}");
      assertEquals(ErrorCode.INTERNAL_ERROR.name(), failure.error().code());
      assertEquals("light", client.ok("2", "light", "{}").get("value").asText(), "the connection goes on");
    }
  }
}
