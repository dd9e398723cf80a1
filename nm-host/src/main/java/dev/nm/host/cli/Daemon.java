package dev.nm.host.cli;

import dev.nm.host.HostPaths;
import dev.nm.host.HostStatus;
import java.io.IOException;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resident server: one per user, shared by every relayed browser port, so that models load once. It
 * holds the {@link DaemonLock} for life, writes its pid to {@link HostPaths#daemonPidFile()}, serves on
 * {@link HostPaths#socket()}, exits after {@code idle_timeout_seconds} without a connection, and on SIGTERM
 * stops accepting, cancels what is in flight and removes its socket and pid file.
 */
final class Daemon {
  private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

  /** Exit code when another daemon already holds the lock. */
  static final int ALREADY_RUNNING = 3;

  private Daemon() {}

  /** Runs the daemon in this process until it is stopped or idle; returns the process exit code. */
  static int run(HostPaths paths) throws Exception {
    FileLock lock = DaemonLock.tryAcquire(paths);
    if (lock == null) {
      LOG.info("an nm daemon is already running for {}", paths.home());
      return ALREADY_RUNNING;
    }
    ReferenceHost host = ReferenceHost.start(paths, HostStatus.Mode.DAEMON);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(host, paths, lock, stopped), "nm-daemon-shutdown"));
    Files.writeString(paths.daemonPidFile(), ProcessHandle.current().pid() + "\n");
    Files.deleteIfExists(paths.socket());
    host.server().listen(paths.socket());
    Duration idleTimeout = Duration.ofSeconds(host.config().idleTimeoutSeconds());
    LOG.info("nm daemon {} serving on {} (pid {}, exits after {} s idle)",
        NmHostVersion.get(), paths.socket(), ProcessHandle.current().pid(), idleTimeout.toSeconds());
    exitWhenIdle(host, idleTimeout);
    stopped.await();
    return 0;
  }

  /**
   * Exits the process once no connection has been open for {@code idleTimeout}, checking once a second;
   * {@code System.exit} runs the shutdown hook, the one way the daemon stops. A connection that opens and
   * closes between two checks goes unnoticed: the server keeps no count of connections ever accepted.
   */
  private static void exitWhenIdle(ReferenceHost host, Duration idleTimeout) {
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "nm-daemon-idle");
      thread.setDaemon(true);
      return thread;
    });
    timer.scheduleWithFixedDelay(new IdleCheck(host, idleTimeout), 1, 1, TimeUnit.SECONDS);
  }

  /** One idle check; runs on the timer thread only. */
  private static final class IdleCheck implements Runnable {
    private final ReferenceHost host;
    private final Duration idleTimeout;
    private long idleSince = System.nanoTime();

    IdleCheck(ReferenceHost host, Duration idleTimeout) {
      this.host = host;
      this.idleTimeout = idleTimeout;
    }

    @Override
    public void run() {
      long now = System.nanoTime();
      if (host.server().connectionCount() > 0) {
        idleSince = now;
      } else if (now - idleSince >= idleTimeout.toNanos()) {
        LOG.info("no connection for {} s; exiting", idleTimeout.toSeconds());
        System.exit(0);
      }
    }
  }

  private static void stop(ReferenceHost host, HostPaths paths, FileLock lock, CountDownLatch stopped) {
    try {
      host.close();
      Files.deleteIfExists(paths.socket());
      Files.deleteIfExists(paths.daemonPidFile());
      lock.channel().close();
      LOG.info("nm daemon stopped");
    } catch (IOException | RuntimeException e) {
      LOG.warn("nm daemon shutdown did not finish cleanly", e);
    } finally {
      stopped.countDown();
    }
  }
}
