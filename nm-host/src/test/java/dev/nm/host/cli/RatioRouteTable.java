package dev.nm.host.cli;

import dev.nm.route.RouteContext;
import dev.nm.route.RouteDescriptor;
import dev.nm.route.RouteHandler;
import dev.nm.route.RouteTable;
import java.util.List;

/**
 * A route whose request and reply are numbers, for the bad-number tests: a request can hold a number too large
 * for a {@code double}, and 0 / 0 makes a reply that holds NaN. Real host processes find it as {@link
 * HostProcess} lists it in their {@code META-INF/services}.
 */
public final class RatioRouteTable implements RouteTable {
  public static final String ROUTE = "test.ratio";

  /** @param numerator divided by the denominator */
  public record Request(double numerator, double denominator) {}

  /** @param ratio the quotient, NaN for 0 / 0 */
  public record Reply(double ratio) {}

  /** Divides. */
  public static final class Divide implements RouteHandler<Request, Reply> {
    @Override
    public Reply handle(Request request, RouteContext context) {
      return new Reply(request.numerator() / request.denominator());
    }
  }

  @Override
  public List<RouteDescriptor<?, ?>> routes() {
    return List.of(
        RouteDescriptor.builder(ROUTE, Request.class, Reply.class, Divide::new)
            .description("Divides numerator by denominator.")
            .handlerType(Divide.class)
            .requestSchema(
                "{\"type\":\"object\",\"properties\":{\"numerator\":{\"type\":\"number\"},\"denominator\":{\"type\":\"number\"}}}")
            .responseSchema("{\"type\":\"object\",\"properties\":{\"ratio\":{\"type\":\"number\"}}}")
            .build());
  }
}
