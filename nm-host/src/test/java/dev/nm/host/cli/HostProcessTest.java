package dev.nm.host.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.host.HostConfig;
import dev.nm.host.HostPaths;
import dev.nm.host.connection.RelayHandshake;
import dev.nm.host.install.HostConfigAllowlist;
import dev.nm.protocol.FrameWriter;
import dev.nm.protocol.FrameReader;
import dev.nm.protocol.Json;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.CopyOnWriteArrayList;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileLock;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletableFuture;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The host as browsers run it: real processes, real pipes, a real daemon on a Unix socket. Each test has its
 * own {@code NM_HOST_HOME}, and stops the daemon it started with {@code nm-host daemon stop}.
 */
class HostProcessTest {
  /** Browsers SIGKILL a host still alive about 2 s after closing its stdin. */
  private static final Duration BROWSER_KILL_DELAY = Duration.ofSeconds(2);

  @TempDir Path home;

  @BeforeEach
  void allowTheTestOrigin() throws IOException {
    Files.writeString(home.resolve("config.json"),
        "{\"origins\": {\"" + HostProcess.ORIGIN + "\": {\"scopes\": []}}, \"idle_timeout_seconds\": 120}");
  }

  @AfterEach
  void stopTheDaemon() throws Exception {
    HostProcess.run(home, "daemon", "stop");
  }

  @Test
  void relaysHelloThroughTheDaemonAndExitsOnEof() throws Exception {
    try (HostProcess host = HostProcess.browserLaunch(home, Map.of())) {
      JsonNode hello = host.call("h1", "hello", "{}");

      assertEquals("h1", hello.path("request_id").asText());
      assertTrue(hello.path("success").asBoolean(), hello::toString);
      assertEquals(HostProcess.ORIGIN, hello.path("data").path("origin").asText());
      long daemon = DaemonLockView.daemonPid(home).orElseThrow(() -> new AssertionError("the relay started no daemon"));
      assertTrue(
          openFiles(daemon).containsAll(List.of(openFile(host.pid(), 0), openFile(host.pid(), 1))),
          "the daemon reads and writes the host's own stdin and stdout pipes");
      Duration exit = host.closeStdinAndAwaitExit(BROWSER_KILL_DELAY);
      assertTrue(exit.compareTo(BROWSER_KILL_DELAY) < 0, "exit took " + exit.toMillis() + " ms after EOF");
      assertEquals(0, host.exitValue());
      assertEquals(List.of(), host.remainingFrames());
    }
  }

  /**
   * A host launched while the daemon runs hands its pipes over through a file in the daemon's hand-off directory
   * and holds the file that the daemon releases when the port ends.
   */
  @Test
  void aHostLaunchedWhileTheDaemonRunsHandsItsPipesOverThroughAFile() throws Exception {
    assertTrue(HostProcess.run(home, "daemon", "start").startsWith("nm daemon running (pid "));
    long daemon = DaemonLockView.daemonPid(home).orElseThrow();
    Path handoffs = home.resolve("run/handoff-" + daemon);
    try (HostProcess host = HostProcess.browserLaunch(home, Map.of())) {
      JsonNode hello = host.call("h1", "hello", "{}");

      assertTrue(hello.path("success").asBoolean(), hello::toString);
      assertEquals(HostProcess.ORIGIN, hello.path("data").path("origin").asText());
      assertTrue(holdsHandoffFile(host, daemon), "the host waits on the daemon through its hand-off file");
      assertTrue(openFiles(daemon).containsAll(List.of(openFile(host.pid(), 0), openFile(host.pid(), 1))),
          "the daemon reads and writes the host's own stdin and stdout pipes");

      Duration exit = host.closeStdinAndAwaitExit(BROWSER_KILL_DELAY);
      assertTrue(exit.compareTo(BROWSER_KILL_DELAY) < 0, "exit took " + exit.toMillis() + " ms after EOF");
      assertEquals(0, host.exitValue());
      assertEquals(List.of(), host.remainingFrames());
    }
    try (var left = Files.list(handoffs)) {
      assertEquals(List.of(), left.toList(), "the relay removes its files");
    }
  }

  /** A named pipe is not one of the host's own pipes: the daemon refuses it and the relay passes frames on. */
  @Test
  void aHostWhoseStdinIsNotItsOwnPipeRelaysFramesItself() throws Exception {
    Path fifo = home.resolve("requests");
    assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor());
    // Read-write, so that opening it waits for no reader; closing it is the browser's end of input.
    try (RandomAccessFile browser = new RandomAccessFile(fifo.toFile(), "rw");
        HostProcess host = HostProcess.browserLaunchReading(home, fifo)) {
      FrameWriter.of(new FileOutputStream(browser.getFD()))
          .writeFrame("{\"request_id\":\"h1\",\"route\":\"hello\"}".getBytes(StandardCharsets.UTF_8));
      JsonNode hello = host.receive(Duration.ofSeconds(60));

      assertEquals("h1", hello.path("request_id").asText());
      assertEquals(HostProcess.ORIGIN, hello.path("data").path("origin").asText());
      long daemon = DaemonLockView.daemonPid(home).orElseThrow();
      assertFalse(openFiles(daemon).contains(fifo.toString()), "the daemon did not open the named pipe");
      browser.close();
      assertTrue(host.awaitExit(BROWSER_KILL_DELAY), "the host exits at the end of its input");
      assertEquals(0, host.exitValue());
      assertEquals(List.of(), host.remainingFrames());
    }
  }

  /** A relay that passes frames on answers a frame the browser cannot have meant as a host serving the port does. */
  @Test
  void aRelayPassingFramesAnswersAFramingErrorAndEndsThePort() throws Exception {
    try (HostProcess host = HostProcess.browserLaunch(home, Map.of(HostMode.PIPES_ENV, "relay"))) {
      assertEquals("h1", host.call("h1", "hello", "{}").path("request_id").asText());
      host.sendRaw(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0x0F}); // 256 MiB, in the browser's byte order
      JsonNode failure = host.receive(Duration.ofSeconds(30));
      assertTrue(failure.get("request_id").isNull(), failure.toString());
      assertEquals("MESSAGE_TOO_LARGE", failure.at("/error/code").asText(), failure.toString());
      assertTrue(failure.at("/error/message").asText().endsWith("the stream is out of sync, so the host closes this connection"));
      assertTrue(host.awaitExit(BROWSER_KILL_DELAY), "the relay ends the port");
    }
  }

  /**
   * A daemon started by an earlier version (still running after an upgrade) speaks relay version 1 only: it
   * refuses the offer of pipes, and the relay passes frames to it instead.
   */
  @Test
  void aDaemonThatOnlyRelaysFramesServesThePortThroughTheRelay() throws Exception {
    Path socket = home.resolve("run/daemon.sock");
    Files.createDirectories(socket.getParent());
    List<Integer> handshakeVersions = new CopyOnWriteArrayList<>();
    try (ServerSocketChannel daemon = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      daemon.bind(UnixDomainSocketAddress.of(socket));
      Thread serving = new Thread(() -> serveAsVersionOne(daemon, handshakeVersions), "version-1-daemon");
      serving.setDaemon(true);
      serving.start();
      try (HostProcess host = HostProcess.browserLaunch(home, Map.of())) {
        JsonNode reply = host.call("h1", "hello", "{}");

        assertEquals("{\"request_id\":\"h1\",\"success\":true,\"data\":{\"served_by\":\"a version 1 daemon\"}}", reply.toString());
        assertEquals(List.of(2, 1), handshakeVersions);
        host.closeStdinAndAwaitExit(BROWSER_KILL_DELAY);
        assertEquals(0, host.exitValue());
      }
    }
  }

  /** What a daemon of the first relay protocol did: refuse any other version, else answer each request. */
  private static void serveAsVersionOne(ServerSocketChannel daemon, List<Integer> handshakeVersions) {
    while (daemon.isOpen()) {
      try (SocketChannel relay = daemon.accept()) {
        FrameReader in = FrameReader.of(relay);
        FrameWriter out = FrameWriter.of(relay);
        int version = Json.mapper().readTree(in.nextFrame()).at("/relay/version").asInt();
        handshakeVersions.add(version);
        if (version != 1) {
          out.writeFrame(utf8("{\"request_id\":null,\"success\":false,\"error\":{\"code\":\"INVALID_REQUEST\","
              + "\"message\":\"relay version " + version + " is not supported; this host speaks version 1\"}}"));
          continue;
        }
        byte[] request;
        while ((request = in.nextFrame()) != null) {
          String requestId = Json.mapper().readTree(request).path("request_id").asText();
          out.writeFrame(utf8("{\"request_id\":\"" + requestId + "\",\"success\":true,\"data\":{\"served_by\":\"a version 1 daemon\"}}"));
        }
      } catch (IOException e) {
        return;
      }
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void standaloneServesInProcessAndExitsOnEof() throws Exception {
    try (HostProcess host = HostProcess.browserLaunch(home, Map.of(HostMode.MODE_ENV, "standalone"))) {
      JsonNode hello = host.call("h1", "hello", "{}");

      assertTrue(hello.path("success").asBoolean(), hello::toString);
      assertEquals(HostProcess.ORIGIN, hello.path("data").path("origin").asText());
      assertFalse(Files.exists(home.resolve("run/daemon.sock")), "standalone mode must not start a daemon");
      Duration exit = host.closeStdinAndAwaitExit(BROWSER_KILL_DELAY);
      assertTrue(exit.compareTo(BROWSER_KILL_DELAY) < 0, "exit took " + exit.toMillis() + " ms after EOF");
      assertEquals(List.of(), host.remainingFrames());
    }
  }

  @Test
  void twoHostsStartingAtOnceShareOneDaemon() throws Exception {
    try (HostProcess first = HostProcess.browserLaunch(home, Map.of());
        HostProcess second = HostProcess.browserLaunch(home, Map.of())) {
      first.send("{\"request_id\":\"a\",\"route\":\"hello\"}");
      second.send("{\"request_id\":\"b\",\"route\":\"hello\"}");

      assertTrue(first.receive(Duration.ofSeconds(60)).path("success").asBoolean());
      assertTrue(second.receive(Duration.ofSeconds(60)).path("success").asBoolean());
      long daemon = DaemonLockView.daemonPid(home).orElseThrow();
      assertEquals(List.of(daemon), DaemonLockView.awaitSingleDaemon(home, Duration.ofSeconds(10)));
    }
  }

  /** Hand-offs arriving together are each claimed once: every port gets its own replies, and nothing is left. */
  @Test
  void tenHostsLaunchedAtOnceWhileTheDaemonRunsAreEachServedTheirOwnPort() throws Exception {
    assertTrue(HostProcess.run(home, "daemon", "start").startsWith("nm daemon running (pid "));
    long daemon = DaemonLockView.daemonPid(home).orElseThrow();
    List<HostProcess> hosts = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 10; i++) {
        hosts.add(HostProcess.browserLaunch(home, Map.of()));
      }
      for (int i = 0; i < hosts.size(); i++) {
        hosts.get(i).send("{\"request_id\":\"port-" + i + "\",\"route\":\"hello\"}");
      }
      for (int i = 0; i < hosts.size(); i++) {
        HostProcess host = hosts.get(i);
        JsonNode reply = host.receive(Duration.ofSeconds(60));
        assertEquals("port-" + i, reply.path("request_id").asText());
        assertTrue(holdsHandoffFile(host, daemon), "port-" + i + " was handed over through a file");
      }
      for (HostProcess host : hosts) {
        host.closeStdinAndAwaitExit(BROWSER_KILL_DELAY);
        assertEquals(0, host.exitValue());
      }
    } finally {
      for (HostProcess host : hosts) {
        host.close();
      }
    }
    try (var left = Files.list(home.resolve("run/handoff-" + daemon))) {
      assertEquals(List.of(), left.toList());
    }
  }

  /**
   * The same whether the host started the daemon (and offered its pipes on the daemon's socket) or found it
   * running (and handed its pipes over through a file).
   */
  @ParameterizedTest(name = "daemon running before the host: {0}")
  @ValueSource(booleans = {false, true})
  void aDaemonKilledWhileServingTheBrowsersPipesEndsThePortAndTheNextHostRestartsIt(boolean daemonRunning) throws Exception {
    if (daemonRunning) {
      assertTrue(HostProcess.run(home, "daemon", "start").startsWith("nm daemon running (pid "));
    }
    long killed;
    try (HostProcess host = HostProcess.browserLaunch(home, Map.of())) {
      assertTrue(host.call("warm", "hello", "{}").path("success").asBoolean());
      killed = DaemonLockView.daemonPid(home).orElseThrow();
      if (daemonRunning) {
        assertTrue(holdsHandoffFile(host, killed), "the host was handed over through a file");
      }
      host.send("{\"request_id\":\"slow\",\"route\":\"" + SlowRouteTable.ROUTE + "\",\"payload\":{\"millis\":60000}}");
      Thread.sleep(300);
      ProcessHandle.of(killed).orElseThrow().destroyForcibly();

      assertTrue(host.awaitExit(Duration.ofSeconds(5)), "the relay exits once its daemon is gone");
      assertEquals(1, host.exitValue());
      assertEquals(List.of(), host.remainingFrames(), "stdout ends, which the browser reports as \"Native host has exited\"");
    }
    assertTheNextHostStartsANewDaemon(killed);
    assertFalse(Files.exists(home.resolve("run/handoff-" + killed)), "the next daemon removes the dead one's directory");
  }

  @Test
  void aDaemonKilledMidRequestFailsTheRequestsTheRelayPassedOn() throws Exception {
    long killed;
    try (HostProcess host = HostProcess.browserLaunch(home, Map.of(HostMode.PIPES_ENV, "relay"))) {
      assertTrue(host.call("warm", "hello", "{}").path("success").asBoolean());
      killed = DaemonLockView.daemonPid(home).orElseThrow();
      host.send("{\"request_id\":\"slow\",\"route\":\"" + SlowRouteTable.ROUTE + "\",\"payload\":{\"millis\":60000}}");
      host.send("{\"request_id\":\"slow-2\",\"route\":\"" + SlowRouteTable.ROUTE + "\",\"payload\":{\"millis\":60000}}");
      Thread.sleep(300);
      ProcessHandle.of(killed).orElseThrow().destroyForcibly();

      JsonNode first = host.receive(Duration.ofSeconds(10));
      JsonNode second = host.receive(Duration.ofSeconds(10));
      assertEquals(List.of("slow", "slow-2"), List.of(first.path("request_id").asText(), second.path("request_id").asText()).stream().sorted().toList());
      for (JsonNode failure : List.of(first, second)) {
        assertFalse(failure.path("success").asBoolean(true));
        assertEquals("BACKEND_ERROR", failure.path("error").path("code").asText());
        assertEquals("the nm daemon exited before replying; send the request again to restart it", failure.path("error").path("message").asText());
      }
      assertTrue(host.awaitExit(Duration.ofSeconds(5)), "the relay exits once its daemon is gone");
      assertEquals(1, host.exitValue());
      assertEquals(List.of(), host.remainingFrames());
    }
    assertTheNextHostStartsANewDaemon(killed);
  }

  @Test
  void aDaemonThatCannotStartIsExplainedToTheExtension() throws Exception {
    Files.writeString(home.resolve("config.json"), "{\"origns\": {}}");
    try (HostProcess host = HostProcess.browserLaunch(home, Map.of())) {
      JsonNode failure = host.call("h1", "hello", "{}");

      assertEquals("h1", failure.path("request_id").asText());
      assertEquals("BACKEND_ERROR", failure.path("error").path("code").asText());
      assertEquals(
          "cannot reach the nm daemon: the nm daemon exited while starting (exit code 1); see "
              + home.resolve("logs/daemon.log"),
          failure.path("error").path("message").asText());
      assertTrue(Files.readString(home.resolve("logs/daemon.log")).contains("unknown key 'origns'"));
      assertTrue(Files.readString(home.resolve("logs/host.log")).contains(" pid=" + host.pid() + " ERROR "),
          "the host log names the relay's pid");
      host.closeStdinAndAwaitExit(BROWSER_KILL_DELAY);
      assertEquals(1, host.exitValue());
      assertEquals(List.of(), host.remainingFrames());
    }
  }

  @Test
  void daemonCommandsReportStartAndStop() throws Exception {
    assertTrue(HostProcess.run(home, "daemon", "status").startsWith("nm daemon not running"));
    assertTrue(HostProcess.run(home, "daemon", "start").startsWith("nm daemon running (pid "));
    long pid = DaemonLockView.daemonPid(home).orElseThrow();
    assertTrue(HostProcess.run(home, "daemon", "status").startsWith("nm daemon running (pid " + pid + ")"));

    assertEquals("nm daemon stopped (pid " + pid + ")\n", HostProcess.run(home, "daemon", "stop"));
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    assertFalse(Files.exists(home.resolve("run/daemon.sock")), "the daemon removes its socket");
    assertFalse(Files.exists(home.resolve("run/daemon.pid")), "the daemon removes its pid file");
  }

  /** A relative NM_HOST_HOME names the same home for the daemon, which runs in its home, as for the command. */
  @Test
  void aRelativeHomeIsTheDaemonsHomeToo() throws Exception {
    Map<String, String> relative = Map.of("NM_HOST_HOME", home.getFileName().toString());
    String started = HostProcess.runIn(home, home.getParent(), relative, "daemon", "start");
    assertTrue(started.startsWith("nm daemon running (pid "), started);
    long pid = DaemonLockView.daemonPid(home).orElseThrow();
    assertTrue(Files.notExists(home.resolve(home.getFileName())), "a home inside the home");
    assertEquals("nm daemon stopped (pid " + pid + ")\n", HostProcess.runIn(home, home.getParent(), relative, "daemon", "stop"));
  }

  /**
   * On a full disk the daemon cannot write its pid file, through which relays find where to hand their pipes over.
   * It serves all the same, and relays reach it over its socket: here the pid file's path is a directory it cannot
   * write or remove.
   */
  @Test
  void aDaemonThatCannotWriteItsPidFileServesRelaysOverItsSocket() throws Exception {
    Files.createDirectories(home.resolve("run/daemon.pid/in-the-way"));
    try (HostProcess host = HostProcess.browserLaunch(home, Map.of())) {
      assertTrue(host.call("h1", "hello", "{}").path("success").asBoolean(), "served");
      long pid = DaemonLock.holder(new HostPaths(home, home.resolve("models"))).orElseThrow().pid();
      assertEquals("nm daemon running (pid " + pid + ") on " + home.resolve("run/daemon.sock") + "\n",
          HostProcess.run(home, "daemon", "status"));
      assertTrue(Files.readString(home.resolve("logs/daemon.log")).contains("cannot write " + home.resolve("run/daemon.pid")));
    }
    HostProcess.run(home, "daemon", "stop");
  }

  /** A daemon holds the lock from its first moment, while it loads its routes, long before it writes its pid file. */
  @Test
  void statusNamesADaemonThatIsStillStarting() throws Exception {
    HostPaths paths = new HostPaths(home, home.resolve("models"));
    FileLock starting = DaemonLock.tryAcquire(paths);
    try {
      assertEquals("nm daemon starting (pid " + ProcessHandle.current().pid() + "), not accepting connections yet\n",
          HostProcess.run(home, "daemon", "status"));
    } finally {
      starting.channel().close();
    }
    assertTrue(HostProcess.run(home, "daemon", "status").startsWith("nm daemon not running"));
  }

  @Test
  void anIdleDaemonExitsAndCleansUp() throws Exception {
    Files.writeString(home.resolve("config.json"), "{\"idle_timeout_seconds\": 1}");
    Optional<ProcessHandle> daemon = startDaemon();

    if (daemon.isPresent()) {
      daemon.get().onExit().get(30, TimeUnit.SECONDS);
    }
    assertFalse(Files.exists(home.resolve("run/daemon.sock")), "the daemon removes its socket");
    assertFalse(Files.exists(home.resolve("run/daemon.pid")), "the daemon removes its pid file");
    assertTrue(Files.readString(home.resolve("logs/daemon.log")).contains("no connection for 1 s; exiting"));
  }

  /** Waits until the audit log has {@code count} lines of {@code event}, and returns them. */
  private static List<String> awaitAuditLines(HostPaths paths, String event, int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (true) {
      List<String> lines =
          Files.readAllLines(paths.auditLog()).stream().filter(line -> line.contains("\"event\":\"" + event + "\"")).toList();
      if (lines.size() >= count || System.nanoTime() > deadline) {
        assertEquals(count, lines.size(), () -> "audit lines of " + event + ": " + lines);
        return lines;
      }
      Thread.sleep(50);
    }
  }

  @Test
  void aRunningDaemonPutsConfigEditsInForceAndAuditsThemAndKeepsItsConfigWhenAnEditDoesNotLoad() throws Exception {
    Files.writeString(home.resolve("config.json"), "{\"idle_timeout_seconds\": 120}");
    try (HostProcess host = HostProcess.browserLaunch(home, Map.of())) {
      assertEquals("FORBIDDEN", host.call("before", "hello", "{}").path("error").path("code").asText());

      HostPaths paths = new HostPaths(home, home.resolve("models"));
      new HostConfigAllowlist(paths).allow(HostProcess.ORIGIN, Set.of());
      assertTrue(callHelloUntilServed(host, Duration.ofSeconds(5)), "the allowed origin is still refused");
      List<String> changes =
          Files.readAllLines(paths.auditLog()).stream().filter(line -> line.contains("\"event\":\"config_changed\"")).toList();
      assertEquals(1, changes.size(), () -> "the installer saved the change once: " + changes);
      List<String> reloads = awaitAuditLines(paths, "config_reloaded", 1);
      assertTrue(reloads.get(0).contains("\"origins_added\":[\"" + HostProcess.ORIGIN + "\"]"), reloads.get(0));

      // An edit by hand has no installer to record it: the daemon does, as it puts it in force.
      Files.writeString(home.resolve("config.json"),
          "{\"idle_timeout_seconds\": 120, \"origins\": {\"" + HostProcess.ORIGIN + "\": {\"scopes\": [\"models.manage\"]}}}");
      List<String> handEdit = awaitAuditLines(paths, "config_reloaded", 2);
      assertTrue(handEdit.get(1).contains("\"scopes_changed\":[\"" + HostProcess.ORIGIN + "\"]"), handEdit.get(1));

      HostConfig.load(home.resolve("config.json")).withWorkers(2).save(home.resolve("config.json"));
      awaitLogLine(home.resolve("logs/daemon.log"),
          "workers, max_in_flight_per_connection and models_dir take effect when the daemon restarts", Duration.ofSeconds(5));

      Files.writeString(home.resolve("config.json"), "{\"origins\": ");
      awaitLogLine(home.resolve("logs/daemon.log"), "cannot reload " + home.resolve("config.json"), Duration.ofSeconds(5));
      assertTrue(host.call("after", "hello", "{}").path("success").asBoolean(), "a broken edit keeps the config in force");

      // An editor's save by rename (vim): the file is gone for a moment. The config in force stays meanwhile...
      Files.move(home.resolve("config.json"), home.resolve("config.json~"));
      Thread.sleep(400);
      assertTrue(host.call("moved", "hello", "{}").path("success").asBoolean(), "a moment without the file forbade the origin");
      // ...and a file that stays away puts the defaults in force: no origin is allowed.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (host.call("gone", "hello", "{}").path("success").asBoolean()) {
        assertTrue(System.nanoTime() < deadline, "the defaults never took effect without the file");
        Thread.sleep(100);
      }
    }
  }

  /**
   * A daemon that stopped taking ports as a relay offered it its pipes answers "retired" (here a stand-in that
   * removes its socket first, as a daemon that stops taking ports does): the relay starts the next daemon and is
   * served by it, where it used to exit with its port lost.
   */
  @Test
  void aRelayToldTheDaemonRetiredIsServedByTheNextOne() throws Exception {
    Path socket = Files.createDirectories(home.resolve("run")).resolve("daemon.sock");
    ServerSocketChannel retiring = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(socket));
    CompletableFuture<String> handshake = CompletableFuture.supplyAsync(() -> {
      try (retiring; SocketChannel relay = retiring.accept()) {
        String frame = new String(FrameReader.of(relay).nextFrame(), StandardCharsets.UTF_8);
        Files.delete(socket);
        FrameWriter.of(relay).writeFrame(RelayHandshake.PIPES_RETIRED);
        return frame;
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, command -> new Thread(command).start());
    try (HostProcess host = HostProcess.browserLaunch(home, Map.of())) {
      assertTrue(host.call("after", "hello", "{}").path("success").asBoolean());
    }
    assertTrue(handshake.get(10, TimeUnit.SECONDS).contains("\"pipes_of\""), "the relay offered its pipes first");
    // And offered them again to the next daemon, not falling back to passing frames as with a daemon it does not know.
    try (var logs = Files.list(home)) {
      for (Path log : logs.filter(f -> f.getFileName().toString().endsWith(".stderr")).toList()) {
        assertFalse(Files.readString(log).contains("predates this relay"), Files.readString(log));
      }
    }
  }

  /** Under NM_HOST_HOME, doctor checks that home, which a host started by a desktop browser does not read: it says so. */
  @Test
  void doctorUnderNmHostHomeSaysWhichHomeItChecked() throws Exception {
    String doctor = HostProcess.run(home, "doctor");
    assertTrue(doctor.contains("[note]    home      NM_HOST_HOME is set, so these checks read " + home + "; a host that a"
        + " browser started from your desktop has no NM_HOST_HOME and reads its default home instead\n"), doctor);
  }

  @Test
  void configAllowLetsTheCommandLineCallARunningDaemon() throws Exception {
    Files.writeString(home.resolve("config.json"), "{\"idle_timeout_seconds\": 120}");
    assertTrue(HostProcess.run(home, "daemon", "start").startsWith("nm daemon running (pid "));
    String refused = HostProcess.run(home, "call", "hello");
    assertTrue(refused.contains("allow it with `nm-host config allow nm-host-cli`"), refused);

    assertTrue(HostProcess.run(home, "config", "allow", CallCommand.CLI_ORIGIN)
        .contains("allowed nm-host-cli in " + home.resolve("config.json") + " (no scopes)\n"));

    // The daemon hears of the saved file at once: the very next call, a JVM's start later, is served.
    String reply = HostProcess.run(home, "call", "hello");
    assertTrue(reply.contains("\"request_id\":\"cli-1\",\"success\":true"), reply);
  }

  /** {@code nm-host call --stream ... | head -1}: once its reader leaves, the call is cancelled and the command ends. */
  @Test
  void aStreamedCallWhoseReaderLeftIsCancelled() throws Exception {
    Process call = HostProcess.startPlain(home, "call", "--origin", HostProcess.ORIGIN, SlowRouteTable.TICKS,
        "{\"millis\": 60000}", "--stream");
    try {
      java.io.BufferedReader lines =
          new java.io.BufferedReader(new java.io.InputStreamReader(call.getInputStream(), StandardCharsets.UTF_8));
      String first = lines.readLine();
      assertTrue(first != null && first.contains("\"event\":\"tick\""), first);
      lines.close();
      assertTrue(call.waitFor(10, TimeUnit.SECONDS), "the call went on for its reader that left");
      assertEquals(1, call.exitValue());
      assertTrue(new String(call.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)
          .contains("nm-host call: stdout is closed; the call is cancelled"));
    } finally {
      call.destroyForcibly();
    }
  }

  /** Config edits run at once in separate processes all take effect: each reads, changes and saves under a lock. */
  @Test
  void configEditsRunAtOnceAllTakeEffect() throws Exception {
    List<CompletableFuture<String>> edits = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String origin = "local:edit-" + i;
      edits.add(CompletableFuture.supplyAsync(() -> {
        try {
          return HostProcess.run(home, "config", "allow", origin, "--scope", "s" + origin.charAt(origin.length() - 1));
        } catch (Exception e) {
          throw new CompletionException(e);
        }
      }, command -> new Thread(command).start()));
    }
    for (int i = 0; i < 6; i++) {
      assertTrue(edits.get(i).get(60, TimeUnit.SECONDS).contains("allowed local:edit-" + i + " in "), edits.get(i).get());
    }
    HostConfig config = HostConfig.load(home.resolve("config.json"));
    for (int i = 0; i < 6; i++) {
      assertEquals(List.of("s" + i), config.origins().get("local:edit-" + i).scopes(), config.origins().toString());
    }
  }

  /**
   * An upgrade changes the daemon's class path: the running daemon keeps the port it serves and exits after it,
   * while the next launch gets a daemon of the new installation. The test changes a class path directory.
   */
  @Test
  void aDaemonWhoseInstallationChangedServesItsPortsToTheEndWhileTheNextLaunchStartsANewOne() throws Exception {
    assertTrue(HostProcess.run(home, "daemon", "start").startsWith("nm daemon running (pid "));
    try (HostProcess first = HostProcess.browserLaunch(home, Map.of())) {
      assertTrue(first.call("before", "hello", "{}").path("success").asBoolean());
      long retiring = DaemonLockView.daemonPid(home).orElseThrow();
      assertTrue(holdsHandoffFile(first, retiring), "the first port was handed over through a file");

      Files.writeString(home.resolve("test-routes/upgraded"), "a changed installation");
      awaitLogLine(home.resolve("logs/daemon.log"), "nm-host was upgraded or rebuilt", Duration.ofSeconds(15));

      assertFalse(Files.exists(home.resolve("run/daemon.sock")), "the retiring daemon took its socket away");
      assertTrue(Files.exists(home.resolve("run/handoff-" + retiring + "/closed")), "and takes no more hand-offs");
      assertTrue(first.call("after", "hello", "{}").path("success").asBoolean(), "the open port is still served");
      try (HostProcess next = HostProcess.browserLaunch(home, Map.of())) {
        assertTrue(next.call("new", "hello", "{}").path("success").asBoolean());
        long successor = DaemonLockView.daemonPid(home).orElseThrow();
        assertTrue(successor != retiring, "the next launch started a new daemon");
        assertTrue(ProcessHandle.of(retiring).map(ProcessHandle::isAlive).orElse(false), "the old one still serves its port");
      }
      first.closeStdinAndAwaitExit(BROWSER_KILL_DELAY);
      assertEquals(0, first.exitValue(), "the retiring daemon released the port");
      ProcessHandle old = ProcessHandle.of(retiring).orElse(null);
      if (old != null) {
        old.onExit().get(10, TimeUnit.SECONDS);
      }
      assertTrue(Files.exists(home.resolve("run/daemon.sock")), "the old daemon's exit left its successor's socket alone");
      assertTrue(HostProcess.run(home, "daemon", "status").startsWith("nm daemon running (pid "));
    }
  }

  /**
   * A retired daemon holds neither the lock nor the pid file, yet it holds a model's memory as long as an extension
   * keeps its port open: status names it, and stop ends it with the current one.
   */
  @Test
  void statusAndStopFindADaemonThatRetiredButStillServesAPort() throws Exception {
    assertTrue(HostProcess.run(home, "daemon", "start").startsWith("nm daemon running (pid "));
    try (HostProcess first = HostProcess.browserLaunch(home, Map.of())) {
      assertTrue(first.call("before", "hello", "{}").path("success").asBoolean());
      long retired = DaemonLockView.daemonPid(home).orElseThrow();
      Files.writeString(home.resolve("test-routes/upgraded"), "a changed installation");
      awaitLogLine(home.resolve("logs/daemon.log"), "nm-host was upgraded or rebuilt", Duration.ofSeconds(15));
      assertEquals("nm daemon not running (home " + home + ")\n"
              + "nm daemon retired (pid " + retired + "): takes no new ports, serves those it has and exits when they close\n",
          HostProcess.run(home, "daemon", "status"));

      long successor;
      try (HostProcess next = HostProcess.browserLaunch(home, Map.of())) {
        assertTrue(next.call("new", "hello", "{}").path("success").asBoolean());
        successor = DaemonLockView.daemonPid(home).orElseThrow();
      }
      assertTrue(HostProcess.run(home, "daemon", "status").endsWith(
          "\nnm daemon retired (pid " + retired + "): takes no new ports, serves those it has and exits when they close\n"));

      assertEquals("nm daemon stopped (pid " + successor + ")\nnm daemon stopped (pid " + retired + ")\n",
          HostProcess.run(home, "daemon", "stop"));
      assertFalse(ProcessHandle.of(retired).map(ProcessHandle::isAlive).orElse(false));
      assertFalse(Files.exists(home.resolve("run/retired-" + retired)), "a retired daemon removes its record as it exits");
      assertTrue(first.awaitExit(BROWSER_KILL_DELAY), "the port ended with its daemon");
      assertEquals(0, first.exitValue(), "which released it as it stopped");
    }
  }

  /**
   * Browsers, shells and the project's scripts find the user's files under {@code $HOME}; Java's {@code user.home}
   * comes from the password database instead. The host follows {@code $HOME}, or its manifests and models would be
   * where no browser or script looks.
   */
  @Test
  void manifestsAndTheDefaultHomeFollowHomeFromTheEnvironment() throws Exception {
    Path user = Files.createDirectories(home.resolve("user"));
    String output = HostProcess.runAsUser(home, user,
        "install", "--browser", "chromium", "--extension-id", "abcdefghijklmnopabcdefghijklmnop", "--host-path", "/bin/sh");

    assertTrue(Files.exists(user.resolve(".config/chromium/NativeMessagingHosts/nm_host.json")), output);
    assertTrue(Files.readString(user.resolve(".local/share/nm-host/config.json"))
        .contains("\"chrome-extension://abcdefghijklmnopabcdefghijklmnop/\""), output);
  }

  /**
   * A home in a directory others can write lets another user serve run/daemon.sock first and read every frame
   * of the browser's port: a host connects only to a daemon of its own user.
   */
  @Test
  void aSocketServedByAnotherUserIsRefused() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/sbin/runuser")),
        "serving a socket as another user needs root and runuser");
    Path run = Files.createDirectories(home.resolve("run"));
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path socket = run.resolve("daemon.sock");
    Process impostor = new ProcessBuilder("/usr/sbin/runuser", "-u", "nobody", "--", "python3", "-c",
        "import socket,time\ns=socket.socket(socket.AF_UNIX)\ns.bind('" + socket + "')\ns.listen()\ntime.sleep(60)")
        .redirectErrorStream(true).start();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!Files.exists(socket)) {
        assertTrue(System.nanoTime() < deadline, "the other user's socket did not appear");
        Thread.sleep(20);
      }
      String output = HostProcess.run(home, "call", "hello");
      assertTrue(output.contains(socket + " is served by user nobody, not root: " + home
          + " must be a directory that only root can write (it is NM_HOST_HOME's)"), output);
    } finally {
      impostor.destroyForcibly().waitFor();
    }
  }

  @Test
  void callSendsANumberNoDoubleHoldsAsTypedAndTheHostNamesTheField() throws Exception {
    HostProcess.run(home, "config", "allow", CallCommand.CLI_ORIGIN);

    String reply = HostProcess.run(home, "call", "--standalone", RatioRouteTable.ROUTE, "{\"numerator\": 1e400, \"denominator\": 1}");

    assertTrue(reply.contains("\"code\":\"VALIDATION_ERROR\""), reply);
    assertTrue(reply.contains("\"field\":\"numerator\""), reply);
  }

  @Test
  void everyConnectionHoweverShortKeepsTheDaemonFromIdling() throws Exception {
    Files.writeString(home.resolve("config.json"), "{\"idle_timeout_seconds\": 3}");
    ProcessHandle daemon = startDaemon().orElseThrow();

    long until = System.nanoTime() + Duration.ofSeconds(6).toNanos();
    while (System.nanoTime() < until) {
      try (SocketChannel relay = SocketChannel.open(UnixDomainSocketAddress.of(home.resolve("run/daemon.sock")))) {
        FrameWriter.of(relay).writeFrame(RelayHandshake.frame(HostProcess.ORIGIN));
      } catch (IOException e) {
        fail("the daemon went idle although a connection came every 250 ms: " + e);
      }
      TimeUnit.MILLISECONDS.sleep(250);
    }
    assertTrue(daemon.isAlive(), "the daemon went idle although a connection came every 250 ms");

    daemon.onExit().get(30, TimeUnit.SECONDS);
    assertTrue(Files.readString(home.resolve("logs/daemon.log")).contains("no connection for 3 s; exiting"));
  }

  /**
   * Runs {@code nm-host daemon start}; the daemon it reports, unless that already exited (a daemon with a
   * short idle timeout may be gone before the command is).
   */
  private Optional<ProcessHandle> startDaemon() throws Exception {
    String started = HostProcess.run(home, "daemon", "start");
    Matcher pid = Pattern.compile("^nm daemon running \\(pid (\\d+)\\)").matcher(started);
    assertTrue(pid.find(), started);
    return ProcessHandle.of(Long.parseLong(pid.group(1)));
  }

  /** Calls {@code hello} every 100 ms until it succeeds or {@code limit} passes; whether it succeeded. */
  private static boolean callHelloUntilServed(HostProcess host, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    for (int attempt = 0; System.nanoTime() < deadline; attempt++) {
      if (host.call("attempt-" + attempt, "hello", "{}").path("success").asBoolean()) {
        return true;
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    return false;
  }

  private void assertTheNextHostStartsANewDaemon(long killed) throws Exception {
    try (HostProcess next = HostProcess.browserLaunch(home, Map.of())) {
      assertTrue(next.call("again", "hello", "{}").path("success").asBoolean());
      long restarted = DaemonLockView.daemonPid(home).orElseThrow();
      assertTrue(restarted != killed, "a new daemon serves the next host");
    }
  }

  /**
   * Whether the host waits on the daemon's release through its hand-off file. The daemon may answer the browser
   * before the host has seen that it took the pipes, so this waits up to 5 s for the host to open the file.
   */
  private boolean holdsHandoffFile(HostProcess host, long daemon) throws Exception {
    String taken = home.resolve("run/handoff-" + daemon + "/" + host.pid() + ".taken").toString();
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!openFiles(host.pid()).contains(taken)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(5);
    }
    return true;
  }

  /** What a process's file descriptor refers to, e.g. {@code pipe:[1234]}. */
  private static String openFile(long pid, int fd) throws IOException {
    return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "fd", Integer.toString(fd))).toString();
  }

  private static Set<String> openFiles(long pid) throws IOException {
    try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
      Set<String> files = new java.util.HashSet<>();
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          files.add(Files.readSymbolicLink(fd).toString());
        } catch (NoSuchFileException closedMeanwhile) {
          // A descriptor closed while listing.
        }
      }
      return files;
    }
  }

  private static void awaitLogLine(Path log, String text, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!Files.readString(log).contains(text)) {
      assertTrue(System.nanoTime() < deadline, () -> log + " has no line with '" + text + "' after " + limit);
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }

  /** The daemon as the files under {@code run/} describe it, and the processes that claim to be it. */
  private static final class DaemonLockView {
    static Optional<Long> daemonPid(Path home) throws IOException {
      try {
        return Optional.of(Long.parseLong(Files.readString(home.resolve("run/daemon.pid")).trim()));
      } catch (NoSuchFileException e) {
        return Optional.empty();
      }
    }

    /**
     * Waits until exactly one {@code daemon run} process serves {@code home} (a daemon that lost the race for
     * the lock exits on its own) and returns the pids still running.
     */
    static List<Long> awaitSingleDaemon(Path home, Duration limit) throws InterruptedException {
      long deadline = System.nanoTime() + limit.toNanos();
      List<Long> daemons;
      do {
        daemons = ProcessHandle.allProcesses()
            .filter(p -> p.info().commandLine().orElse("").contains("NmHostMain daemon run"))
            .filter(p -> servesHome(p.pid(), home))
            .map(ProcessHandle::pid)
            .toList();
        if (daemons.size() == 1) {
          return daemons;
        }
        TimeUnit.MILLISECONDS.sleep(50);
      } while (System.nanoTime() < deadline);
      return daemons;
    }

    private static boolean servesHome(long pid, Path home) {
      try {
        String environment = Files.readString(Path.of("/proc", Long.toString(pid), "environ"));
        return List.of(environment.split("\0")).contains("NM_HOST_HOME=" + home);
      } catch (IOException e) {
        return false;
      }
    }
  }
}
