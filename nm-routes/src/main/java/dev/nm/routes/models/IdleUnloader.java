package dev.nm.routes.models;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a backend's unload-idle task on a daemon thread, every half of the idle limit (at least 1 s, at most
 * 60 s), so a model is unloaded at most 1.5 limits after its last use. A run that fails is logged, and the next
 * runs as planned (a scheduled task that throws is never run again).
 */
public final class IdleUnloader implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IdleUnloader.class);

  private final ScheduledExecutorService executor;

  private IdleUnloader(ScheduledExecutorService executor) {
    this.executor = executor;
  }

  /** Starts running {@code unloadIdle}; empty, and nothing runs, when {@code idleLimit} is zero (never unload). */
  public static Optional<IdleUnloader> start(String threadName, Duration idleLimit, Runnable unloadIdle) {
    if (idleLimit.isZero()) {
      return Optional.empty();
    }
    ScheduledExecutorService executor =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, threadName);
              thread.setDaemon(true);
              return thread;
            });
    long period = Math.max(1, Math.min(60, idleLimit.toSeconds() / 2));
    Runnable logged = () -> {
      try {
        unloadIdle.run();
      } catch (RuntimeException e) {
        log.warn("unloading idle models failed; trying again in {} s", period, e);
      }
    };
    executor.scheduleWithFixedDelay(logged, period, period, TimeUnit.SECONDS);
    return Optional.of(new IdleUnloader(executor));
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
