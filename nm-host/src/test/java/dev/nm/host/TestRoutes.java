package dev.nm.host;

import dev.nm.protocol.ErrorCode;
import dev.nm.route.RateTier;
import dev.nm.route.RequestValidator;
import dev.nm.route.RouteContext;
import dev.nm.route.RouteDescriptor;
import dev.nm.route.RouteException;
import dev.nm.route.RouteHandler;
import dev.nm.route.RouteTable;
import dev.nm.route.Violations;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Hand-built routes for runtime tests: what the route processor would generate, written out. */
final class TestRoutes implements RouteTable {
  /** Lets a test hold handlers inside {@code handle} and see what they observed. */
  static final class Gate {
    final Semaphore entered = new Semaphore(0);
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch cancelHookRan = new CountDownLatch(1);
    /** The calls of {@code hold} and {@code heavy_hold} in the order they began, as "origin request_id". */
    final Queue<String> began = new ConcurrentLinkedQueue<>();
    volatile boolean sawCancellation;

    void awaitEntered(int calls) throws InterruptedException {
      if (!entered.tryAcquire(calls, 10, TimeUnit.SECONDS)) {
        throw new AssertionError("handlers did not start");
      }
    }
  }

  record EchoRequest(@NotNull String text, @Min(0) @Max(10) Integer count) {}

  record EchoReply(String text, Integer count) {}

  record ChatMessage(@NotBlank @Pattern(regexp = "system|user|assistant") String role, String content) {}

  record ChatRequest(@NotEmpty List<@Valid ChatMessage> messages, Integer maxTokens) {}

  record Reply(String value) {}

  record Empty() {}

  /** Jackson cannot write it: its accessor throws. */
  record Unwritable(String value) {
    @Override
    public String value() {
      throw new IllegalStateException("not writable");
    }
  }

  record SizeRequest(@Min(1) int chars) {}

  record RangeRequest(Integer min, Integer max) {}

  /** Holds until the gate opens, ignoring cancellation except to note it. */
  static final class Hold implements RouteHandler<Empty, Reply> {
    @Override
    public Reply handle(Empty request, RouteContext context) throws InterruptedException {
      Gate gate = context.service(Gate.class);
      context.cancellation().onCancel(gate.cancelHookRan::countDown);
      gate.began.add(context.origin() + " " + context.requestId());
      gate.entered.release();
      gate.release.await();
      gate.sawCancellation = context.cancellation().isCancelled();
      return new Reply("held " + context.requestId());
    }
  }

  /** Emits ticks until emitting fails, then records why. */
  static final class Ticker implements RouteHandler<Empty, Reply> {
    @Override
    public Reply handle(Empty request, RouteContext context) {
      Gate gate = context.service(Gate.class);
      try {
        for (int i = 0; ; i++) {
          context.events().emit("tick", i);
          if (i == 0) {
            gate.entered.release();
          }
          Thread.sleep(1);
        }
      } catch (RouteException e) {
        gate.sawCancellation = e.code() == ErrorCode.CANCELLED;
        gate.release.countDown();
        throw e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Reply("interrupted");
      }
    }
  }

  static final class Range implements RouteHandler<RangeRequest, Reply>, RequestValidator<RangeRequest> {
    @Override
    public void validate(RangeRequest request, Violations violations) {
      if (request.min() != null && request.max() != null && request.min() > request.max()) {
        violations.add("max", "must be at least min (" + request.min() + ")");
      }
    }

    @Override
    public Reply handle(RangeRequest request, RouteContext context) {
      return new Reply(request.min() + ".." + request.max());
    }
  }

  @Override
  public List<RouteDescriptor<?, ?>> routes() {
    return List.of(
        route("echo", EchoRequest.class, EchoReply.class, () -> (request, context) -> new EchoReply(request.text(), request.count()))
            .build(),
        route("chat", ChatRequest.class, Reply.class, () -> (request, context) -> new Reply(request.messages().get(0).content()))
            .build(),
        route("hold", Empty.class, Reply.class, Hold::new).build(),
        route("hold_text", EchoRequest.class, Reply.class, () -> (request, context) -> {
              Gate gate = context.service(Gate.class);
              gate.entered.release();
              try {
                gate.release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return new Reply("held " + request.text().length());
            })
            .build(),
        route("heavy_hold", Empty.class, Reply.class, Hold::new).rateTier(RateTier.HEAVY).build(),
        route("light", Empty.class, Reply.class, () -> (request, context) -> new Reply("light")).rateTier(RateTier.LIGHT).build(),
        route("big", SizeRequest.class, Reply.class, () -> (request, context) -> new Reply("é".repeat(request.chars()))).build(),
        route("count_up", SizeRequest.class, Reply.class, () -> (request, context) -> {
              for (int i = 1; i <= request.chars(); i++) {
                context.events().emit("tick", i);
              }
              return new Reply("counted");
            })
            .streaming(true)
            .build(),
        route("emit_without_streaming", Empty.class, Reply.class, () -> (request, context) -> {
              context.events().emit("tick", 1);
              return new Reply("unreachable");
            })
            .build(),
        route("ticker", Empty.class, Reply.class, Ticker::new).streaming(true).build(),
        route("unwritable_reply", Empty.class, Unwritable.class, () -> (request, context) -> new Unwritable("x")).build(),
        route("unwritable_event", Empty.class, Reply.class, () -> (request, context) -> {
              context.events().emit("bad", new Unwritable("x"));
              return new Reply("unreachable");
            })
            .streaming(true)
            .build(),
        route("boom", Empty.class, Reply.class, () -> (request, context) -> {
              throw new IllegalStateException("secret internal detail");
            })
            .build(),
        route("manage", Empty.class, Reply.class, () -> (request, context) -> new Reply("managed")).scope("models.manage").build(),
        route("range", RangeRequest.class, Reply.class, Range::new).build());
  }

  private static <Q, R> RouteDescriptor.Builder<Q, R> route(
      String name, Class<Q> request, Class<R> reply, Supplier<? extends RouteHandler<Q, R>> factory) {
    return RouteDescriptor.builder(name, request, reply, factory)
        .description("test route " + name)
        .handlerType(TestRoutes.class)
        .requestSchema("{\"type\":\"object\"}")
        .responseSchema("{\"type\":\"object\"}");
  }
}
