package dev.nm.host.middleware;

import dev.nm.protocol.ErrorCode;
import dev.nm.route.RouteException;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Writes every policy refusal ({@code FORBIDDEN}, {@code UNAUTHORIZED}, {@code RATE_LIMITED}) to the
 * {@link AuditLog}. Sits before the policy middlewares so it sees their refusals. A caller refused in a loop
 * would fill the disk at the speed of its loop, and refusals come before rate limits: each origin gets at most
 * {@value #LINES_PER_SECOND} lines a second for each code, and the first line after a second in which some
 * were left out says how many ({@code left_out_before}).
 */
public final class Audit implements Middleware {
  static final int LINES_PER_SECOND = 20;
  private static final Set<ErrorCode> AUDITED = EnumSet.of(ErrorCode.FORBIDDEN, ErrorCode.UNAUTHORIZED, ErrorCode.RATE_LIMITED);

  private final AuditLog auditLog;
  private final PerSecondLines<Key> lines = new PerSecondLines<>(LINES_PER_SECOND);

  public Audit(AuditLog auditLog) {
    this.auditLog = Objects.requireNonNull(auditLog, "auditLog");
  }

  @Override
  public Object handle(Call call, Next next) {
    try {
      return next.proceed(call);
    } catch (RouteException e) {
      if (AUDITED.contains(e.code())) {
        denied(call, e);
      }
      throw e;
    }
  }

  private void denied(Call call, RouteException e) {
    long leftOutBefore = lines.admit(new Key(call.origin(), e.code()), System.nanoTime());
    if (leftOutBefore == PerSecondLines.LEAVE_OUT) {
      return;
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("code", e.code().name());
    fields.put("origin", call.origin());
    fields.put("route", call.routeName());
    fields.put("request_id", call.requestId());
    fields.put("message", e.getMessage());
    if (leftOutBefore > 0) {
      fields.put("left_out_before", leftOutBefore);
    }
    auditLog.append("denied", fields);
  }

  private record Key(String origin, ErrorCode code) {}
}
