package dev.nm.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.nm.protocol.ErrorCode;
import dev.nm.protocol.Message;
import dev.nm.route.RequestValidator;
import dev.nm.route.RouteContext;
import dev.nm.route.RouteDescriptor;
import dev.nm.route.RouteHandler;
import dev.nm.route.RouteTable;
import dev.nm.route.Violations;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Warming up runs each declared case up to the handler's door, and never through it. */
class WarmUpTest {
  record Request(@NotNull String text, @Max(10) Integer count) {}

  record Reply(String text) {}

  static final AtomicInteger handled = new AtomicInteger();
  static final AtomicInteger validated = new AtomicInteger();
  /** Holds a call whose text is "hold" in its handler until counted down. */
  static final CountDownLatch held = new CountDownLatch(1);

  /** Counts the calls that reach it: its own validation (after the constraints passed) and handling. */
  static final class Counting implements RouteHandler<Request, Reply>, RequestValidator<Request> {
    @Override
    public void validate(Request request, Violations violations) {
      validated.incrementAndGet();
      if (request.text().isBlank()) {
        violations.add("text", "must not be blank");
      }
    }

    @Override
    public Reply handle(Request request, RouteContext context) throws InterruptedException {
      handled.incrementAndGet();
      if (request.text().equals("hold")) {
        held.await();
      }
      return new Reply(request.text());
    }
  }

  static final class Table implements RouteTable {
    @Override
    public List<RouteDescriptor<?, ?>> routes() {
      return List.of(
          RouteDescriptor.builder("counting", Request.class, Reply.class, Counting::new)
              .description("counts")
              .handlerType(Counting.class)
              .requestSchema("{\"type\":\"object\"}")
              .responseSchema("{\"type\":\"object\"}")
              .validCase("text", "{\"text\": \"a\"}", 0)
              .invalidCase("blank", "{\"text\": \" \"}", ErrorCode.VALIDATION_ERROR, "text")
              .invalidCase("too many", "{\"text\": \"a\", \"count\": 11}", ErrorCode.VALIDATION_ERROR, "count")
              .invalidCase("not a number", "{\"text\": \"a\", \"count\": \"x\"}", ErrorCode.VALIDATION_ERROR, "count")
              .build());
    }
  }

  @BeforeEach
  void resetCounts() {
    handled.set(0);
    validated.set(0);
  }

  @Test
  void bindsAndChecksEveryDeclaredCaseButCallsNoHandler() {
    try (NativeMessagingServer server = NativeMessagingServer.builder().routes(new Table()).build()) {
      server.warmUp(3);

      // The two cases whose constraints pass reach the handler's own validation, three times each.
      assertEquals(6, validated.get());
      assertEquals(0, handled.get());
    }
  }

  @Test
  void waitsWhileACallIsInFlight() throws Exception {
    try (NativeMessagingServer server =
            NativeMessagingServer.builder().routes(new Table()).config(HostConfig.permissive()).build();
        PipeClient client = PipeClient.connect(server, ConnectionTest.ORIGIN)) {
      client.send("held", "counting", "{\"text\": \"hold\"}");
      while (handled.get() == 0) {
        Thread.sleep(1);
      }
      validated.set(0);
      Thread warmUp = new Thread(() -> server.warmUp(1), "warm-up");
      warmUp.start();
      warmUp.join(300);
      assertEquals(0, validated.get(), "no round while the call is in flight");

      held.countDown();
      warmUp.join(10_000);
      assertEquals(2, validated.get(), "one round once it is answered");
      Message.Success reply = assertInstanceOf(Message.Success.class, client.next());
      assertEquals("held", reply.requestId());
    }
  }
}
