package dev.nm.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.host.connection.RelayHandshake;
import dev.nm.host.connection.UnixSocketListener;
import dev.nm.protocol.FrameReader;
import dev.nm.protocol.FrameWriter;
import dev.nm.protocol.Json;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(20)
class UnixSocketTest {
  @TempDir Path home;
  final NativeMessagingServer server =
      NativeMessagingServer.builder().routes(new TestRoutes()).config(HostConfig.permissive()).build();

  @AfterEach
  void tearDown() {
    server.close();
  }

  @Test
  void relayHandshakeThenOrdinaryFrames() throws Exception {
    Path socket = home.resolve("run/daemon.sock");
    server.listen(socket);
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())));
    try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      FrameWriter out = FrameWriter.of(channel);
      FrameReader in = FrameReader.of(channel);
      out.writeFrame(RelayHandshake.frame(ConnectionTest.ORIGIN));
      out.writeFrame(utf8("{\"request_id\": \"1\", \"route\": \"hello\"}"));
      JsonNode reply = Json.mapper().readTree(in.nextFrame());
      assertEquals("1", reply.get("request_id").asText());
      assertEquals(ConnectionTest.ORIGIN, reply.at("/data/origin").asText());
      assertEquals(1, server.connectionCount());
    }
  }

  /** Where relays look: the socket, this process's hand-off directory, and the pid file naming it, until closed. */
  @Test
  void listeningWhereRelaysLookWritesThePidFileAndRemovesItOnClose() throws Exception {
    HostPaths paths = new HostPaths(home, home.resolve("models"));
    long pid = ProcessHandle.current().pid();
    server.listen(paths);
    assertTrue(Files.isDirectory(paths.handoffDir(pid)));
    assertEquals(pid + "\n", Files.readString(paths.daemonPidFile()));
    assertHelloAnsweredOn(paths.socket());
    server.close();
    assertFalse(Files.exists(paths.socket()));
    assertFalse(Files.exists(paths.daemonPidFile()));
  }

  /**
   * A pid file that cannot be written (here a directory has its name; on a full disk the write fails alike) costs
   * relays their fast way in, not the server: it serves over its socket, and the stale name is removed.
   */
  @Test
  void aPidFileThatCannotBeWrittenLeavesTheSocketServing() throws Exception {
    HostPaths paths = new HostPaths(home, home.resolve("models"));
    Files.createDirectories(paths.daemonPidFile());
    server.listen(paths);
    assertFalse(Files.exists(paths.daemonPidFile()));
    assertHelloAnsweredOn(paths.socket());
  }

  private static void assertHelloAnsweredOn(Path socket) throws IOException {
    try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      FrameWriter out = FrameWriter.of(channel);
      out.writeFrame(RelayHandshake.frame(ConnectionTest.ORIGIN));
      out.writeFrame(utf8("{\"request_id\": \"1\", \"route\": \"hello\"}"));
      JsonNode reply = Json.mapper().readTree(FrameReader.of(channel).nextFrame());
      assertEquals(ConnectionTest.ORIGIN, reply.at("/data/origin").asText());
    }
  }

  /**
   * A relay that offers its pipes: the process owning them is a {@code sleep} started with pipes, as a browser
   * starts a host, and this test plays the browser on their other ends.
   */
  @Test
  void aRelayOfferingItsPipesIsServedOnThemAndReleasedAtEndOfInput() throws Exception {
    Path socket = home.resolve("run/daemon.sock");
    server.listen(socket);
    Process relay = new ProcessBuilder("sleep", "60").redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      FrameWriter.of(channel).writeFrame(new RelayHandshake(ConnectionTest.ORIGIN, relay.pid()).toFrame());
      FrameWriter browserOut = FrameWriter.of(relay.getOutputStream());
      FrameReader browserIn = FrameReader.of(relay.getInputStream());

      browserOut.writeFrame(utf8("{\"request_id\": \"1\", \"route\": \"hello\"}"));
      JsonNode reply = Json.mapper().readTree(browserIn.nextFrame());
      String stdin = openFile(relay.pid(), 0);
      String stdout = openFile(relay.pid(), 1);
      assertEquals(List.of(2L, 2L), descriptorsInThisProcess(stdin, stdout), "the test's ends and the server's");
      assertEquals("1", reply.get("request_id").asText());
      assertEquals(ConnectionTest.ORIGIN, reply.at("/data/origin").asText());
      assertEquals(1, server.connectionCount());

      relay.getOutputStream().close();
      FrameReader fromServer = FrameReader.of(channel);
      assertArrayEquals(RelayHandshake.PIPES_RELEASED, fromServer.nextFrame());
      assertNull(fromServer.nextFrame(), "the socket closes after the release");
      assertEquals(
          List.of(0L, 1L), descriptorsInThisProcess(stdin, stdout), "the server closed its ends; the test's stdout end remains");
    } finally {
      relay.destroyForcibly();
    }
  }

  @Test
  void pipesThatAreNotPipesAreRefusedAndFramesPassOnTheSocket() throws Exception {
    Path socket = home.resolve("run/daemon.sock");
    server.listen(socket);
    Process relay =
        new ProcessBuilder("sleep", "60").redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      FrameWriter out = FrameWriter.of(channel);
      FrameReader in = FrameReader.of(channel);
      out.writeFrame(new RelayHandshake(ConnectionTest.ORIGIN, relay.pid()).toFrame());

      assertEquals(
          "{\"relay\":{\"pipes\":\"refused\",\"reason\":\"the relay's stdin is /dev/null, not a pipe\"}}",
          new String(in.nextFrame(), StandardCharsets.UTF_8));
      out.writeFrame(utf8("{\"request_id\": \"1\", \"route\": \"hello\"}"));
      assertEquals(ConnectionTest.ORIGIN, Json.mapper().readTree(in.nextFrame()).at("/data/origin").asText());
    } finally {
      relay.destroyForcibly();
    }
  }

  @Test
  void malformedHandshakeGetsOneFailureAndAClose() throws Exception {
    Path socket = home.resolve("run/daemon.sock");
    server.listen(socket);
    try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      FrameWriter.of(channel).writeFrame(utf8("{\"relay\": {\"version\": 3, \"origin\": \"x\"}}"));
      FrameReader in = FrameReader.of(channel);
      JsonNode failure = Json.mapper().readTree(in.nextFrame());
      assertEquals("INVALID_REQUEST", failure.at("/error/code").asText());
      assertEquals(
          "relay version 3 is not supported; this host speaks versions 1 (frames) and 2 (pipes)",
          failure.at("/error/message").asText());
      assertNull(in.nextFrame());
    }
  }

  @Test
  void secondServerOnTheSameSocketIsRefusedAndStaleSocketsAreReplaced() throws Exception {
    Path socket = home.resolve("run/daemon.sock");
    server.listen(socket);
    try (NativeMessagingServer other = NativeMessagingServer.builder().config(HostConfig.permissive()).build()) {
      IOException refused = assertThrows(IOException.class, () -> other.listen(socket));
      assertEquals("another server is already listening on " + socket, refused.getMessage());
    }
    server.close();
    Files.createFile(socket);
    try (NativeMessagingServer next = NativeMessagingServer.builder().config(HostConfig.permissive()).build()) {
      next.listen(socket);
      try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
        FrameWriter.of(channel).writeFrame(RelayHandshake.frame("local:test"));
        FrameWriter.of(channel).writeFrame(utf8("{\"request_id\": \"1\", \"route\": \"hello\"}"));
        assertEquals("local:test", Json.mapper().readTree(FrameReader.of(channel).nextFrame()).at("/data/origin").asText());
      }
    }
  }

  @Test
  void closingTheServerDropsSocketsStillInTheirHandshake() throws Exception {
    Path socket = home.resolve("run/daemon.sock");
    server.listen(socket);
    try (SocketChannel silent = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      // One acceptor takes sockets in order: once the second is served, the first was accepted.
      FrameWriter.of(channel).writeFrame(RelayHandshake.frame("local:test"));
      FrameWriter.of(channel).writeFrame(utf8("{\"request_id\": \"1\", \"route\": \"hello\"}"));
      FrameReader.of(channel).nextFrame();
      server.close();
      assertNull(FrameReader.of(silent).nextFrame(), "a socket that never sent its handshake is closed");
      assertNull(FrameReader.of(channel).nextFrame(), "a served connection is closed");
      assertFalse(Files.exists(socket));
    }
  }

  /**
   * A relay that connected as the server stopped taking ports (it exits when idle, or retires after an upgrade) and
   * offers its pipes hears so, and connects again to the next server, instead of finding its socket closed.
   */
  @Test
  void aRelayOfferingItsPipesAsTheListenerClosesHearsItRetired() throws Exception {
    Path socket = Files.createDirectories(home.resolve("run")).resolve("test.sock");
    UnixDomainSocketAddress address = UnixDomainSocketAddress.of(socket);
    CountDownLatch probed = new CountDownLatch(1);
    UnixSocketListener listener = UnixSocketListener.start(socket, (in, out, origin, transport) -> probed.countDown());
    try (SocketChannel late = SocketChannel.open(address)) {
      Thread closing = closeOnceAccepted(listener, address, probed);
      FrameWriter.of(late).writeFrame(new RelayHandshake("local:late", ProcessHandle.current().pid()).toFrame());
      FrameReader fromServer = FrameReader.of(late);
      assertArrayEquals(RelayHandshake.PIPES_RETIRED, fromServer.nextFrame());
      assertNull(fromServer.nextFrame());
      closing.join(5_000);
      assertFalse(closing.isAlive());
    }
  }

  /**
   * A relay that passes frames and connected as the listener closed is served to its end: it may have sent requests
   * already, so it could not start again with the next server.
   */
  @Test
  void aRelayPassingFramesAsTheListenerClosesIsServed() throws Exception {
    Path socket = Files.createDirectories(home.resolve("run")).resolve("test.sock");
    UnixDomainSocketAddress address = UnixDomainSocketAddress.of(socket);
    List<String> served = new java.util.concurrent.CopyOnWriteArrayList<>();
    CountDownLatch probed = new CountDownLatch(1);
    UnixSocketListener listener = UnixSocketListener.start(socket, (in, out, origin, transport) -> {
      served.add(origin);
      probed.countDown();
    });
    try (SocketChannel late = SocketChannel.open(address)) {
      Thread closing = closeOnceAccepted(listener, address, probed);
      FrameWriter.of(late).writeFrame(RelayHandshake.frame("local:late"));
      closing.join(5_000);
      assertFalse(closing.isAlive());
      assertEquals(List.of("local:probe", "local:late"), served, "close() returned before the late relay was served");
    }
  }

  /**
   * Makes sure the sockets connected before were accepted (one acceptor takes sockets in order: once a later one, a
   * probe, is served, they were), then closes {@code listener} on a thread of its own and returns that thread once
   * the listener no longer accepts, while it still waits for their handshakes.
   */
  private static Thread closeOnceAccepted(UnixSocketListener listener, UnixDomainSocketAddress address, CountDownLatch probed)
      throws Exception {
    try (SocketChannel probe = SocketChannel.open(address)) {
      FrameWriter.of(probe).writeFrame(RelayHandshake.frame("local:probe"));
      assertTrue(probed.await(5, TimeUnit.SECONDS));
    }
    Thread closing = new Thread(() -> {
      try {
        listener.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    closing.start();
    while (acceptsConnections(address)) {
      Thread.sleep(5);
    }
    return closing;
  }

  private static boolean acceptsConnections(UnixDomainSocketAddress address) {
    try (SocketChannel ignored = SocketChannel.open(address)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A daemon that stops accepting to exit must find every relay it took among its connections. */
  @Test
  void closingWaitsForARelayWhoseHandshakeWasReadToBeServed() throws Exception {
    Path socket = Files.createDirectories(home.resolve("run")).resolve("test.sock");
    CountDownLatch entered = new CountDownLatch(1);
    AtomicBoolean served = new AtomicBoolean();
    UnixSocketListener listener = UnixSocketListener.start(socket, (in, out, origin, transport) -> {
      entered.countDown();
      try {
        Thread.sleep(300);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      served.set(true);
    });
    try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      FrameWriter.of(channel).writeFrame(RelayHandshake.frame("local:test"));
      assertTrue(entered.await(5, TimeUnit.SECONDS));
      listener.close();
      assertTrue(served.get(), "close() returned before the relay it had taken was served");
      assertFalse(Files.exists(socket));
    }
  }

  /** What a process's file descriptor refers to, e.g. {@code pipe:[1234]}. */
  private static String openFile(long pid, int fd) throws IOException {
    return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "fd", Integer.toString(fd))).toString();
  }

  /** How many of this process's file descriptors refer to each of {@code files}. */
  private static List<Long> descriptorsInThisProcess(String... files) throws IOException {
    List<String> open = new ArrayList<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          open.add(Files.readSymbolicLink(fd).toString());
        } catch (NoSuchFileException closedMeanwhile) {
          // The descriptor that listed the directory, or one closed meanwhile.
        }
      }
    }
    return Stream.of(files).map(file -> open.stream().filter(file::equals).count()).toList();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
