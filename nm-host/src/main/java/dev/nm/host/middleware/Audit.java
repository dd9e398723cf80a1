package dev.nm.host.middleware;

import dev.nm.protocol.ErrorCode;
import dev.nm.route.RouteException;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

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
  /** Origins are the browser's extensions and the user's own relays: few. Past this many the counts restart. */
  private static final int MAX_TRACKED = 1024;

  private final AuditLog auditLog;
  private final Map<Key, Window> windows = new ConcurrentHashMap<>();

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
    if (windows.size() > MAX_TRACKED) {
      windows.clear();
    }
    long now = System.nanoTime();
    Window window = windows.computeIfAbsent(new Key(call.origin(), e.code()), key -> new Window(now));
    long leftOutBefore;
    synchronized (window) {
      leftOutBefore = window.startIfOver(now);
      if (window.written == LINES_PER_SECOND) {
        window.leftOut++;
        return;
      }
      window.written++;
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

  /** One origin's refusals of one code in the current second. */
  private static final class Window {
    private long startNanos;
    private int written;
    private long leftOut;
    private long leftOutUnreported;

    Window(long startNanos) {
      this.startNanos = startNanos;
    }

    /** Starts a new second if this one is over; returns the refusals left out of the log and not yet reported. */
    long startIfOver(long now) {
      if (now - startNanos >= TimeUnit.SECONDS.toNanos(1)) {
        startNanos = now;
        written = 0;
        leftOutUnreported += leftOut;
        leftOut = 0;
      }
      if (written == LINES_PER_SECOND) {
        return 0; // this refusal is left out too: the count waits for the next line written
      }
      long report = leftOutUnreported;
      leftOutUnreported = 0;
      return report;
    }
  }
}
