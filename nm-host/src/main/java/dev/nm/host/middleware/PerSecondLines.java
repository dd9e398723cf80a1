package dev.nm.host.middleware;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * How many lines a log writes for one kind of event: at most {@code perSecond} a second for each key, and the
 * first line after a second in which some were left out says how many. Thread-safe.
 *
 * @param <K> what tells one kind of event from another, e.g. an origin and an error code
 */
final class PerSecondLines<K> {
  /** The result of {@link #admit} for an event left out of the log. */
  static final long LEAVE_OUT = -1;
  /** Keys are origins and codes: few. Past this many the counts restart. */
  private static final int MAX_TRACKED = 1024;

  private final int perSecond;
  private final Map<K, Window> windows = new ConcurrentHashMap<>();

  PerSecondLines(int perSecond) {
    this.perSecond = perSecond;
  }

  /**
   * Whether an event of {@code key} is written: {@link #LEAVE_OUT} if not, else how many of its kind were left
   * out since the last one written, for the line to say.
   */
  long admit(K key, long nowNanos) {
    if (windows.size() > MAX_TRACKED) {
      windows.clear();
    }
    Window window = windows.computeIfAbsent(key, k -> new Window(nowNanos));
    synchronized (window) {
      if (nowNanos - window.startNanos >= TimeUnit.SECONDS.toNanos(1)) {
        window.startNanos = nowNanos;
        window.written = 0;
      }
      if (window.written == perSecond) {
        window.leftOut++;
        return LEAVE_OUT;
      }
      window.written++;
      long leftOut = window.leftOut;
      window.leftOut = 0;
      return leftOut;
    }
  }

  private static final class Window {
    private long startNanos;
    private int written;
    private long leftOut;

    Window(long startNanos) {
      this.startNanos = startNanos;
    }
  }
}
