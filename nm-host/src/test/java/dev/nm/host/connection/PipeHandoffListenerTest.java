package dev.nm.host.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nm.protocol.FrameReader;
import dev.nm.protocol.FrameWriter;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's side of a hand-off, with a real process as the relay: {@code sleep}, whose stdin and stdout are
 * pipes to this test, which plays the browser.
 */
class PipeHandoffListenerTest {
  private static final String ORIGIN = "chrome-extension://abcdefghijklmnopabcdefghijklmnop/";
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;

  private final BlockingQueue<Opened> opened = new ArrayBlockingQueue<>(4);
  private Process relay;

  private record Opened(FrameReader in, FrameWriter out, String origin, AutoCloseable transport) {}

  @AfterEach
  void stopTheRelay() {
    if (relay != null) {
      relay.destroyForcibly();
    }
  }

  @Test
  void servesTheRelaysPipesAndMarksThePortReleasedWhenItEnds() throws Exception {
    relay = new ProcessBuilder("sleep", "60").start();
    PipeHandoffFiles files = new PipeHandoffFiles(dir.resolve("handoff"), relay.pid());
    try (PipeHandoffListener listener = PipeHandoffListener.start(files.dir(), this::record)) {
      request(files, startTime(relay));

      Opened port = opened.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertEquals(ORIGIN, port.origin());
      await(() -> Files.exists(files.taken()), "the request is taken");
      assertFalse(Files.exists(files.request()));
      assertFalse(Files.exists(files.claiming()));

      FrameWriter.of(relay.getOutputStream()).writeFrame("{\"route\":\"hello\"}".getBytes(StandardCharsets.UTF_8));
      assertEquals("{\"route\":\"hello\"}", new String(port.in().nextFrame(), StandardCharsets.UTF_8),
          "the host reads what the browser writes to the relay's stdin");
      port.out().writeFrame("{\"success\":true}".getBytes(StandardCharsets.UTF_8));
      assertEquals("{\"success\":true}", new String(FrameReader.of(relay.getInputStream()).nextFrame(), StandardCharsets.UTF_8),
          "the browser reads what the host writes to the relay's stdout");

      assertArrayEquals(new byte[0], Files.readAllBytes(files.taken()), "not released while the port is open");
      port.transport().close();
      assertArrayEquals(new byte[] {PipeHandoffFiles.RELEASED}, Files.readAllBytes(files.taken()));
    }
  }

  @Test
  void refusesAProcessThatIsNotTheOneThatAsked() throws Exception {
    relay = new ProcessBuilder("sleep", "60").start();
    PipeHandoffFiles files = new PipeHandoffFiles(dir, relay.pid());
    try (PipeHandoffListener listener = PipeHandoffListener.start(dir, this::record)) {
      request(files, "1");

      await(() -> Files.exists(files.refused()), "the request is refused");
      assertEquals("process " + relay.pid() + " is not the relay that asked (it exited)", Files.readString(files.refused()));
      assertTrue(opened.isEmpty());
    }
  }

  @Test
  void dropsTheRequestOfARelayThatExitedBeforeTheClaim() throws Exception {
    Process exited = new ProcessBuilder("true").start();
    String startTime = startTime(exited);
    exited.waitFor();
    PipeHandoffFiles files = new PipeHandoffFiles(dir, exited.pid());
    try (PipeHandoffListener listener = PipeHandoffListener.start(dir, this::record)) {
      request(files, startTime == null ? "1" : startTime);

      await(
          () -> !Files.exists(files.request()) && !Files.exists(files.claiming()),
          "the request is claimed");
      assertFalse(Files.exists(files.refused()), "no refusal is left for a relay that is gone");
      assertFalse(Files.exists(files.taken()));
      assertTrue(opened.isEmpty());
    }
  }

  @Test
  void refusesARelayWhoseStdinIsNotAPipe() throws Exception {
    relay = new ProcessBuilder("sleep", "60").redirectInput(new File("/dev/null")).start();
    PipeHandoffFiles files = new PipeHandoffFiles(dir, relay.pid());
    try (PipeHandoffListener listener = PipeHandoffListener.start(dir, this::record)) {
      request(files, startTime(relay));

      await(() -> Files.exists(files.refused()), "the request is refused");
      assertEquals("the relay's stdin is /dev/null, not a pipe", Files.readString(files.refused()));
      assertTrue(opened.isEmpty());
    }
  }

  @Test
  void takesARequestMadeBeforeItStarted() throws Exception {
    relay = new ProcessBuilder("sleep", "60").start();
    PipeHandoffFiles files = new PipeHandoffFiles(dir, relay.pid());
    request(files, startTime(relay));
    try (PipeHandoffListener listener = PipeHandoffListener.start(dir, this::record)) {
      assertEquals(ORIGIN, opened.poll(WAIT.toSeconds(), TimeUnit.SECONDS).origin());
      await(() -> Files.exists(files.taken()), "the request is taken");
    }
  }

  @Test
  void onceClosedItMarksItsDirectoryAndClaimsNothingMore() throws Exception {
    relay = new ProcessBuilder("sleep", "60").start();
    PipeHandoffFiles files = new PipeHandoffFiles(dir, relay.pid());
    PipeHandoffListener listener = PipeHandoffListener.start(dir, this::record);
    listener.close();
    assertTrue(Files.exists(PipeHandoffFiles.closed(dir)));

    request(files, startTime(relay));
    Thread.sleep(200);
    assertTrue(Files.exists(files.request()), "nobody claims a request in a closed directory: its relay withdraws it");
    assertTrue(opened.isEmpty());
  }

  private void record(FrameReader in, FrameWriter out, String origin, AutoCloseable transport) {
    opened.add(new Opened(in, out, origin, transport));
  }

  private static void request(PipeHandoffFiles files, String startTime) throws IOException {
    Files.write(files.draft(), PipeHandoffFiles.request(ORIGIN, startTime));
    Files.move(files.draft(), files.request());
  }

  private static String startTime(Process process) {
    return PipeHandoffFiles.startTime(Long.toString(process.pid()));
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " within " + WAIT.toSeconds() + " s");
      }
      Thread.sleep(5);
    }
  }
}
