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
 * {@link AuditLog}. Sits before the policy middlewares so it sees their refusals.
 */
public final class Audit implements Middleware {
  private static final Set<ErrorCode> AUDITED = EnumSet.of(ErrorCode.FORBIDDEN, ErrorCode.UNAUTHORIZED, ErrorCode.RATE_LIMITED);

  private final AuditLog auditLog;

  public Audit(AuditLog auditLog) {
    this.auditLog = Objects.requireNonNull(auditLog, "auditLog");
  }

  @Override
  public Object handle(Call call, Next next) {
    try {
      return next.proceed(call);
    } catch (RouteException e) {
      if (AUDITED.contains(e.code())) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("code", e.code().name());
        fields.put("origin", call.origin());
        fields.put("route", call.routeName());
        fields.put("request_id", call.requestId());
        fields.put("message", e.getMessage());
        auditLog.append("denied", fields);
      }
      throw e;
    }
  }
}
