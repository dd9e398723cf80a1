package dev.nm.host.cli;

import dev.nm.route.RouteContext;
import dev.nm.route.RouteDescriptor;
import dev.nm.route.RouteHandler;
import dev.nm.route.RouteTable;
import java.util.List;

/**
 * A route that answers after a delay, so that a test can kill the daemon while a request is in flight. The
 * host processes under test find it through a {@code META-INF/services} entry that {@link HostProcess}
 * writes into a directory of its own, so no other test's host serves it.
 */
public final class SlowRouteTable implements RouteTable {
  static final String ROUTE = "test.sleep";

  /** @param millis how long to wait before answering */
  public record Request(long millis) {}

  /** @param sleptMillis the delay served */
  public record Reply(long sleptMillis) {}

  /** Sleeps, then answers. */
  public static final class Sleep implements RouteHandler<Request, Reply> {
    @Override
    public Reply handle(Request request, RouteContext context) throws InterruptedException {
      Thread.sleep(request.millis());
      return new Reply(request.millis());
    }
  }

  static final String TICKS = "test.ticks";

  /** @param millis how long to tick */
  public record TicksRequest(long millis, Boolean stream) {}

  /** Emits a tick every 10 ms for {@code millis}, then answers; stops when cancelled. */
  public static final class Ticks implements RouteHandler<TicksRequest, Reply> {
    @Override
    public Reply handle(TicksRequest request, RouteContext context) throws InterruptedException {
      for (long ticked = 0; ticked < request.millis(); ticked += 10) {
        context.events().emit("tick", ticked);
        Thread.sleep(10);
      }
      return new Reply(request.millis());
    }
  }

  @Override
  public List<RouteDescriptor<?, ?>> routes() {
    return List.of(
        RouteDescriptor.builder(ROUTE, Request.class, Reply.class, Sleep::new)
            .description("Answers after millis milliseconds.")
            .handlerType(Sleep.class)
            .requestSchema("{\"type\":\"object\",\"properties\":{\"millis\":{\"type\":\"integer\"}}}")
            .responseSchema("{\"type\":\"object\",\"properties\":{\"slept_millis\":{\"type\":\"integer\"}}}")
            .build(),
        RouteDescriptor.builder(TICKS, TicksRequest.class, Reply.class, Ticks::new)
            .description("Ticks every 10 ms for millis milliseconds.")
            .handlerType(Ticks.class)
            .streaming(true)
            .requestSchema("{\"type\":\"object\",\"properties\":{\"millis\":{\"type\":\"integer\"}}}")
            .responseSchema("{\"type\":\"object\",\"properties\":{\"slept_millis\":{\"type\":\"integer\"}}}")
            .build());
  }
}
