package dev.nm.host.cli;

import dev.nm.host.HostPaths;
import dev.nm.host.HostStatus;
import java.io.IOException;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resident server: one per user, shared by every relayed browser port, so that models load once. It
 * holds the {@link DaemonLock} for life, listens where relays look
 * ({@link dev.nm.host.NativeMessagingServer#listen(HostPaths)}: its socket, its hand-off directory, the pid file
 * that names it), puts each saved
 * edit of {@code config.json} in force ({@link ConfigWatcher}), exits after {@code idle_timeout_seconds}
 * without a connection (every connection, however short, restarts the count:
 * {@link dev.nm.host.NativeMessagingServer#awaitIdle}), and on SIGTERM stops accepting, cancels what is in flight
 * and removes its socket and pid file.
 *
 * <p>When the installation it runs from changes ({@link InstallationWatcher}: nm-host upgraded or rebuilt) it
 * retires: it removes its socket and pid file, gives up the lock, serves the ports it has until they close and
 * then exits, while the next browser launch starts a daemon of the new version. Until it exits it is recorded
 * in {@link HostPaths#retiredDaemonRecord}, where {@code daemon status} and {@code daemon stop} find it.
 */
final class Daemon {
  private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

  /** Exit code when another daemon already holds the lock. */
  static final int ALREADY_RUNNING = 3;
  /**
   * Measured on the reference host (2 cores): 60 rounds take 0.6 s and cost 1.0-1.2 s of CPU with the JIT's
   * own, once per daemon; a chat request's time to first token then exceeds the engine's prefill by 2.0-2.5 ms
   * from the first requests on, where without it that took 40 requests and started at 4-5 ms.
   */
  private static final int WARM_UP_ROUNDS = 60;

  private Daemon() {}

  /** Runs the daemon in this process until it is stopped or idle; returns the process exit code. */
  static int run(HostPaths paths) throws Exception {
    FileLock lock = DaemonLock.tryAcquire(paths);
    if (lock == null) {
      LOG.info("an nm daemon is already running for {}", paths.home());
      return ALREADY_RUNNING;
    }
    ReferenceHost host = ReferenceHost.start(paths, HostStatus.Mode.DAEMON);
    AtomicBoolean stopping = new AtomicBoolean();
    AtomicBoolean retired = new AtomicBoolean();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stopping.set(true);
      stop(host, paths, lock, retired, stopped);
    }, "nm-daemon-shutdown"));
    long pid = ProcessHandle.current().pid();
    removeRecordsOfGoneRetiredDaemons(paths);
    // Holding the lock, this daemon owns the socket's place: a socket there is a killed daemon's.
    Files.deleteIfExists(paths.socket());
    host.server().listen(paths);
    warmUp(host);
    ConfigWatcher.start(paths.configFile(), host.server());
    InstallationWatcher.start(changed -> retire(host, paths, lock, retired, changed));
    LOG.info("nm daemon {} serving on {} (pid {}, exits after {} s idle)",
        NmHostVersion.get(), paths.socket(), pid, host.server().config().idleTimeoutSeconds());
    host.server().awaitIdle();
    if (!stopping.get()) {
      if (retired.get()) {
        LOG.info("the last port of a retired daemon closed; exiting");
      } else {
        // A relay may have handed its port over while the daemon found itself idle: take no more, the next
        // launch starts a new daemon, and serve any that came to the end.
        stopTakingPorts(host, paths, lock, retired);
        host.server().awaitIdle();
        LOG.info("no connection for {} s; exiting", host.server().config().idleTimeoutSeconds());
      }
      // System.exit runs the shutdown hook, the one way the daemon stops.
      System.exit(0);
    }
    stopped.await();
    return 0;
  }

  /** The daemons that retired and still serve the ports they had, found by their records in the run directory. */
  static List<ProcessHandle> retiredDaemons(HostPaths paths) throws IOException {
    List<ProcessHandle> running = new ArrayList<>();
    try (DirectoryStream<Path> records = Files.newDirectoryStream(paths.runDir(), "retired-*")) {
      for (Path record : records) {
        retiredDaemon(record).ifPresent(running::add);
      }
    } catch (NoSuchFileException e) {
      // No run directory: no daemon ever ran here.
    }
    running.sort(Comparator.comparingLong(ProcessHandle::pid));
    return running;
  }

  private static Optional<ProcessHandle> retiredDaemon(Path record) {
    try {
      return DaemonRecord.parse(Files.readString(record, StandardCharsets.US_ASCII)).flatMap(DaemonRecord::process);
    } catch (IOException e) {
      // Removed as its daemon exited, or not a record.
      return Optional.empty();
    }
  }

  /** Removes the records that retired daemons killed before their shutdown left behind. */
  private static void removeRecordsOfGoneRetiredDaemons(HostPaths paths) {
    try (DirectoryStream<Path> records = Files.newDirectoryStream(paths.runDir(), "retired-*")) {
      for (Path record : records) {
        if (retiredDaemon(record).isEmpty()) {
          Files.deleteIfExists(record);
        }
      }
    } catch (IOException e) {
      LOG.warn("cannot remove the records of exited daemons in {}: {}", paths.runDir(), e.toString());
    }
  }


  private static void warmUp(ReferenceHost host) {
    Thread warmUp = new Thread(() -> {
      long started = System.nanoTime();
      host.warmUp(WARM_UP_ROUNDS);
      LOG.info("warmed up in {} ms", (System.nanoTime() - started) / 1_000_000);
    }, "nm-warm-up");
    warmUp.setDaemon(true);
    warmUp.setPriority(Thread.MIN_PRIORITY);
    warmUp.start();
  }

  /**
   * Makes way for a daemon of the changed installation. The lock goes last: until then no other daemon can
   * start, so the socket and pid file removed are this daemon's own.
   */
  private static void retire(ReferenceHost host, HostPaths paths, FileLock lock, AtomicBoolean retired, Path changed) {
    synchronized (retired) {
      if (!stopTakingPorts(host, paths, lock, retired)) {
        return;
      }
      // Logged once done: tools and tests that read this line may rely on the socket being gone.
      LOG.info(
          "{} changed since this daemon started: nm-host was upgraded or rebuilt. This daemon takes no new ports and "
              + "exits when its {} open ports close; the next browser launch starts the new version",
          changed, host.server().connectionCount());
    }
  }

  /**
   * Takes no new ports (the socket and hand-off directory close, every relay already taken being a connection
   * once this returns), and gives up the pid file and the lock to a successor; false if that was done already.
   */
  private static boolean stopTakingPorts(ReferenceHost host, HostPaths paths, FileLock lock, AtomicBoolean retired) {
    synchronized (retired) {
      if (retired.get()) {
        return false;
      }
      host.server().stopAccepting();
      giveUpPlace(paths, lock);
      retired.set(true);
      return true;
    }
  }

  /**
   * Records this daemon as retired, then gives up the pid file and the lock. The record is written first, so that
   * {@code daemon stop} finds this daemon all along, but a record that cannot be written (a full disk) must not
   * keep the lock: the socket is gone already, so no relay could reach a daemon until this one exited.
   */
  static void giveUpPlace(HostPaths paths, FileLock lock) {
    try {
      Files.writeString(paths.retiredDaemonRecord(ProcessHandle.current().pid()), DaemonRecord.ofThisProcess().line());
    } catch (IOException e) {
      LOG.warn("cannot record this retiring daemon in {}; `nm-host daemon status` will not list it: {}",
          paths.runDir(), e.toString());
    }
    try {
      Files.deleteIfExists(paths.daemonPidFile());
    } catch (IOException e) {
      LOG.warn("cannot remove {}: {}", paths.daemonPidFile(), e.toString());
    }
    try {
      lock.channel().close();
    } catch (IOException e) {
      LOG.warn("giving up the daemon's place did not finish cleanly; stop this daemon with `nm-host daemon stop`", e);
    }
  }

  private static void stop(ReferenceHost host, HostPaths paths, FileLock lock, AtomicBoolean retired, CountDownLatch stopped) {
    try {
      host.close();
      synchronized (retired) {
        if (!retired.get()) {
          // A retired daemon's socket and pid file are gone, or belong to its successor.
          Files.deleteIfExists(paths.socket());
          Files.deleteIfExists(paths.daemonPidFile());
          lock.channel().close();
        } else {
          Files.deleteIfExists(paths.retiredDaemonRecord(ProcessHandle.current().pid()));
        }
      }
      LOG.info("nm daemon stopped");
    } catch (IOException | RuntimeException e) {
      LOG.warn("nm daemon shutdown did not finish cleanly", e);
    } finally {
      stopped.countDown();
    }
  }
}
