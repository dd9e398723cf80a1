package dev.nm.routes.system;

import dev.nm.host.HostStatus;
import dev.nm.protocol.ErrorCode;
import dev.nm.route.Expect;
import dev.nm.route.InvalidCase;
import dev.nm.route.NativeRoute;
import dev.nm.route.RateTier;
import dev.nm.route.RouteContext;
import dev.nm.route.RouteHandler;
import dev.nm.route.ValidCase;
import jakarta.validation.constraints.Pattern;
import java.util.Locale;

/**
 * Says whether the host is up, and how busy: for monitors and for an extension deciding whether to start a
 * long request.
 */
@NativeRoute(
    name = "health",
    description = "Reports that the host is up: status, version, uptime, process id, mode, open connections and in-flight calls.",
    tags = {"system"},
    rateTier = RateTier.LIGHT)
@ValidCase(
    name = "is up",
    request = "{}",
    expect = {
      @Expect(path = "/status", equalTo = "\"ok\""),
      @Expect(path = "/probe", equalTo = "\"live\""),
      @Expect(path = "/daemon_pid", matches = "[0-9]+"),
      @Expect(path = "/in_flight", matches = "[0-9]+")
    })
@ValidCase(name = "readiness probe", request = "{\"probe\": \"ready\"}", expect = @Expect(path = "/probe", equalTo = "\"ready\""))
@InvalidCase(name = "unknown probe", request = "{\"probe\": \"deep\"}", code = ErrorCode.VALIDATION_ERROR, field = "probe")
public final class HealthRoute implements RouteHandler<HealthRoute.Request, HealthRoute.Reply> {
  /**
   * @param probe {@code live} (default): the host answers; {@code ready}: it can also serve work now
   */
  public record Request(@Pattern(regexp = "live|ready", message = "must be live or ready") String probe) {}

  /**
   * @param status {@code ok} when the probe passes
   * @param uptimeSeconds whole seconds since the host started
   * @param daemonPid the host process's id
   * @param mode {@code daemon}, {@code standalone} or {@code embedded}
   * @param connections connections open now, this one included
   * @param inFlight calls being served now on every connection, this one included
   */
  public record Reply(
      String status,
      String probe,
      String version,
      long uptimeSeconds,
      long daemonPid,
      String mode,
      int connections,
      int inFlight) {}

  @Override
  public Reply handle(Request request, RouteContext context) {
    HostStatus host = context.service(HostStatus.class);
    return new Reply(
        "ok",
        request.probe() == null ? "live" : request.probe(),
        host.hostVersion(),
        host.uptime().toSeconds(),
        host.pid(),
        host.mode().name().toLowerCase(Locale.ROOT),
        host.openConnections(),
        host.inFlightCalls());
  }
}
