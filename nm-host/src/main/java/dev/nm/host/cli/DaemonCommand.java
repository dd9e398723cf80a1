package dev.nm.host.cli;

import dev.nm.host.HostPaths;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code nm-host daemon run|start|stop|status}: the resident server shared by every browser port. */
@Command(name = "daemon", description = "Runs, starts, stops or reports the resident nm daemon.")
final class DaemonCommand {
  /** LSB's "program is not running" status. */
  static final int NOT_RUNNING = 3;

  private static final long STOP_TIMEOUT_SECONDS = 10;

  private final HostPaths paths = HostPaths.fromEnvironment();

  @Spec CommandSpec spec;

  @Command(name = "run", description = "Runs the daemon in the foreground until it is stopped or idle.")
  int run() throws Exception {
    return Daemon.run(paths);
  }

  /** Whether the arguments are exactly {@code daemon run}, the command line the daemon is started with. */
  static boolean isRun(String[] args) {
    return args.length == 2 && args[0].equals("daemon") && args[1].equals("run");
  }

  /**
   * {@code daemon run} without the command-line parser, as {@link NmHostMain} runs it: the daemon's start is on
   * the path of the first browser launch after it exited idle, and picocli took 115 ms of it (its classes are
   * Java 5 bytecode, which class-data sharing cannot archive, and it first models every command). Fails as
   * the parsed command does, with one line on stderr.
   */
  static int runWithoutParser() {
    LogSetup.forConsole();
    try {
      return Daemon.run(HostPaths.fromEnvironment());
    } catch (Exception e) {
      System.err.println("nm-host daemon run: " + e.getMessage());
      LoggerFactory.getLogger(DaemonCommand.class).debug("nm-host daemon run failed", e);
      return 1;
    }
  }

  @Command(name = "start", description = "Starts the daemon in the background unless it is running.")
  int start() throws IOException {
    try (SocketChannel ignored = DaemonStart.relay(paths, false).connect()) {
      String pid = DaemonLock.holder(paths).map(daemon -> Long.toString(daemon.pid())).orElse("?");
      out().println("nm daemon running (pid " + pid + ") on " + paths.socket());
      return 0;
    }
  }

  @Command(name = "stop", description = "Stops the daemon, and any retired one still serving ports: SIGTERM, then SIGKILL after 10 s.")
  int stop() throws IOException, InterruptedException {
    List<ProcessHandle> daemons = new ArrayList<>();
    DaemonLock.holder(paths).ifPresent(daemons::add);
    daemons.addAll(Daemon.retiredDaemons(paths));
    if (daemons.isEmpty()) {
      out().println("nm daemon not running");
      return 0;
    }
    daemons.forEach(ProcessHandle::destroy);
    for (ProcessHandle daemon : daemons) {
      try {
        daemon.onExit().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (TimeoutException | ExecutionException e) {
        spec.commandLine().getErr().println(
            "nm daemon (pid " + daemon.pid() + ") ignored SIGTERM for " + STOP_TIMEOUT_SECONDS + " s; killing it");
        daemon.destroyForcibly();
        daemon.onExit().join();
      }
      out().println("nm daemon stopped (pid " + daemon.pid() + ")");
    }
    return 0;
  }

  @Command(name = "status", description = "Says whether the daemon runs; exit status 0 if it does, 3 if not.")
  int status() throws IOException {
    Optional<ProcessHandle> daemon = DaemonLock.holder(paths);
    if (daemon.isEmpty() && DaemonLock.isHeld(paths)) {
      out().println("nm daemon starting (home " + paths.home() + ")");
    } else if (daemon.isEmpty()) {
      out().println("nm daemon not running (home " + paths.home() + ")");
    } else {
      boolean answering;
      try (SocketChannel channel = DaemonStart.relay(paths, false).connectIfListening()) {
        answering = channel != null;
      }
      if (answering) {
        out().println("nm daemon running (pid " + daemon.get().pid() + ") on " + paths.socket());
      } else {
        // A daemon writes its pid file once its socket listens (NativeMessagingServer.listen): before, it is still
        // starting; after, its socket is gone, so it is stopping.
        boolean listened = Files.exists(paths.daemonPidFile());
        out().println("nm daemon " + (listened ? "stopping" : "starting") + " (pid " + daemon.get().pid() + "), "
            + (listened ? "no longer accepting connections" : "not accepting connections yet"));
      }
    }
    for (ProcessHandle retired : Daemon.retiredDaemons(paths)) {
      out().println("nm daemon retired (pid " + retired.pid() + "): takes no new ports, serves those it has and exits"
          + " when they close");
    }
    return daemon.isPresent() || DaemonLock.isHeld(paths) ? 0 : NOT_RUNNING;
  }

  private PrintWriter out() {
    return spec.commandLine().getOut();
  }
}
