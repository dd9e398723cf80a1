package dev.nm.host.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nm.host.HostPaths;
import dev.nm.host.connection.PipeHandoffFiles;
import dev.nm.host.connection.PipeHandoffListener;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay's side of a hand-off. The relay is a {@code sleep} process (this test's own pipes belong to the test
 * runner); this JVM plays the daemon.
 */
class PipeHandoffTest {
  private static final String ORIGIN = "chrome-extension://abcdefghijklmnopabcdefghijklmnop/";

  @TempDir Path home;

  private HostPaths paths;
  private Process relay;

  @BeforeEach
  void paths() throws Exception {
    paths = new HostPaths(home, home.resolve("models"));
    Files.createDirectories(paths.runDir());
  }

  @AfterEach
  void stopTheRelay() {
    if (relay != null) {
      relay.destroyForcibly();
    }
  }

  @Test
  void withoutARunningDaemonNothingIsAsked() throws Exception {
    relay = new ProcessBuilder("sleep", "60").start();
    assertInstanceOf(PipeHandoff.Unanswered.class, PipeHandoff.offer(paths, ORIGIN, relay.pid()));

    Files.writeString(paths.daemonPidFile(), ProcessHandle.current().pid() + "\n");
    assertInstanceOf(PipeHandoff.Unanswered.class, PipeHandoff.offer(paths, ORIGIN, relay.pid()),
        "a daemon that takes no hand-offs has no directory for them");
    assertEquals(List.of("daemon.pid"), files(paths.runDir()));
  }

  @Test
  void aRequestToADaemonThatTakesNoMorePortsIsWithdrawn() throws Exception {
    relay = new ProcessBuilder("sleep", "60").start();
    Path dir = paths.handoffDir(ProcessHandle.current().pid());
    Files.writeString(paths.daemonPidFile(), ProcessHandle.current().pid() + "\n");
    PipeHandoffListener.start(dir, (in, out, origin, transport) -> {}).close();

    assertInstanceOf(PipeHandoff.Unanswered.class, PipeHandoff.offer(paths, ORIGIN, relay.pid()));
    assertEquals(List.of("closed"), files(dir));
  }

  @Test
  void aRequestToADaemonThatIsGoneIsWithdrawn() throws Exception {
    relay = new ProcessBuilder("sleep", "60").start();
    Process exited = new ProcessBuilder("true").start();
    exited.waitFor();
    Files.writeString(paths.daemonPidFile(), exited.pid() + "\n");
    Files.createDirectories(paths.handoffDir(exited.pid()));

    assertInstanceOf(PipeHandoff.Unanswered.class, PipeHandoff.offer(paths, ORIGIN, relay.pid()));
    assertEquals(List.of(), files(paths.handoffDir(exited.pid())));
  }

  @Test
  void aRelayWhosePipesTheDaemonCannotOpenLearnsWhy() throws Exception {
    relay = new ProcessBuilder("sleep", "60").redirectInput(new File("/dev/null")).start();
    Path dir = paths.handoffDir(ProcessHandle.current().pid());
    Files.writeString(paths.daemonPidFile(), ProcessHandle.current().pid() + "\n");
    try (PipeHandoffListener listener = PipeHandoffListener.start(dir, (in, out, origin, transport) -> {})) {
      PipeHandoff.Outcome outcome = PipeHandoff.offer(paths, ORIGIN, relay.pid());

      assertEquals(new PipeHandoff.Refused("the relay's stdin is /dev/null, not a pipe"), outcome);
      assertEquals(List.of(), files(dir));
    }
  }

  /**
   * A relay killed before it cleaned up (browsers kill a host 2 s after its port ends) leaves its files; a later
   * relay with the same process id hears the daemon's answer to its own request, not the dead one's.
   */
  @Test
  void aDeadRelaysFilesAreNotTakenForTheAnswerToALaterOneWithItsProcessId() throws Exception {
    relay = new ProcessBuilder("sleep", "60").redirectInput(new File("/dev/null")).start();
    Path dir = paths.handoffDir(ProcessHandle.current().pid());
    Files.writeString(paths.daemonPidFile(), ProcessHandle.current().pid() + "\n");
    try (PipeHandoffListener listener = PipeHandoffListener.start(dir, (in, out, origin, transport) -> {})) {
      PipeHandoffFiles dead = new PipeHandoffFiles(dir, relay.pid());
      Files.write(dead.taken(), new byte[] {PipeHandoffFiles.RELEASED});
      Files.writeString(dead.claiming(), ORIGIN + "\n1\n");

      PipeHandoff.Outcome outcome = PipeHandoff.offer(paths, ORIGIN, relay.pid());

      assertEquals(new PipeHandoff.Refused("the relay's stdin is /dev/null, not a pipe"), outcome);
      assertEquals(List.of(), files(dir));
    }
  }

  @Test
  void aRelayWhosePipesTheDaemonTookHoldsItsTakenFile() throws Exception {
    relay = new ProcessBuilder("sleep", "60").start();
    Path dir = paths.handoffDir(ProcessHandle.current().pid());
    Files.writeString(paths.daemonPidFile(), ProcessHandle.current().pid() + "\n");
    List<String> origins = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (PipeHandoffListener listener = PipeHandoffListener.start(dir, (in, out, origin, transport) -> origins.add(origin))) {
      PipeHandoff.Outcome outcome = PipeHandoff.offer(paths, ORIGIN, relay.pid());

      PipeHandoff.Taken taken = assertInstanceOf(PipeHandoff.Taken.class, outcome);
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
      while (origins.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(5); // the daemon marks a request taken, then serves its pipes
      }
      assertEquals(List.of(ORIGIN), origins);
      assertEquals(new PipeHandoffFiles(dir, relay.pid()), taken.files());
      assertTrue(taken.taken().isOpen());
      assertEquals(List.of(relay.pid() + ".taken"), files(dir));
      taken.taken().close();
    }
  }

  @Test
  void rehearsingLeavesNoFileBehind() throws Exception {
    PipeHandoff.rehearse(paths, ProcessHandle.current().pid());
    assertEquals(List.of(), files(paths.runDir()));
    assertFalse(Files.exists(paths.daemonPidFile()));
  }

  private static List<String> files(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(file -> file.getFileName().toString()).sorted().toList();
    }
  }
}
