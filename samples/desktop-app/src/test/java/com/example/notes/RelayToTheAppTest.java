package com.example.notes;

import static dev.nm.testkit.EnvelopeAssertions.assertFailure;
import static dev.nm.testkit.EnvelopeAssertions.assertSuccess;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nm.protocol.ErrorCode;
import dev.nm.testkit.HostProcess;
import dev.nm.testkit.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application and its relay as real processes, the relay started as Chromium starts a native host: argv
 * {@code chrome-extension://ID/}, frames on its stdin and stdout.
 */
class RelayToTheAppTest {
  private static final String ORIGIN = "chrome-extension://abcdefghijklmnopabcdefghijklmnop/";
  private static final Duration EXIT = Duration.ofSeconds(10);

  @TempDir Path home;
  private Process app;

  @AfterEach
  void stopTheApp() throws InterruptedException {
    if (app != null) {
      app.destroyForcibly().waitFor();
    }
  }

  @Test
  void theRelayHandsThePortToTheAppAndEndsItWhenTheAppStops() throws Exception {
    startApp();
    try (HostProcess relay = relay(Map.of())) {
      assertSuccess(relay.client().call("hello", Map.of()))
          .hasData("/origin", "\"" + ORIGIN + "\"")
          .hasData("/host_version", "\"1.0.0\"");
      assertSuccess(relay.client().call("notes_add", Map.of("text", "buy milk"))).hasData("/id", "1").hasData("/text", "\"buy milk\"");
      assertSuccess(relay.client().call("notes_list", Map.of()))
          .hasData("/notes", "[{\"id\": 1, \"text\": \"buy milk\"}]")
          .hasData("/version", "1");
      assertTrue(Files.exists(handoffDir()), "the application takes relays' pipes through its hand-off directory");

      CompletableFuture<Reply> waiting =
          relay.client().callAsync("notes_await_change", Map.of("after_version", 1, "timeout_ms", 30_000));
      Thread.sleep(300); // the request reaches the application and waits there
      assertFalse(waiting.isDone());
      app.destroyForcibly().waitFor();

      // The application held the browser's pipes: its end ends the port, at a frame boundary.
      ExecutionException ended = assertThrows(ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS));
      assertTrue(ended.getCause().getMessage().contains("the host closed its output (end of stream)"), ended.getCause().getMessage());
      assertEquals(1, relay.awaitExit(EXIT));
    }
  }

  @Test
  void aRelayPassingFramesAnswersTheRequestInFlightWhenTheAppStops() throws Exception {
    startApp();
    try (HostProcess relay = relay(Map.of("ACME_NOTES_PIPES", "relay"))) {
      assertSuccess(relay.client().call("hello", Map.of())).hasData("/origin", "\"" + ORIGIN + "\"");
      assertSuccess(relay.client().call("notes_add", Map.of("text", "call Ann"))).hasData("/id", "1");

      CompletableFuture<Reply> waiting =
          relay.client().callAsync("notes_await_change", Map.of("after_version", 1, "timeout_ms", 30_000));
      Thread.sleep(300);
      assertFalse(waiting.isDone());
      app.destroyForcibly().waitFor();

      assertFailure(waiting.get(10, TimeUnit.SECONDS), ErrorCode.BACKEND_ERROR, "Acme Notes exited before replying");
      assertEquals(1, relay.awaitExit(EXIT));
    }
  }

  @Test
  void withoutTheAppEachRequestIsAnsweredWithTheAppsMessageUntilTheBrowserLeaves() {
    try (HostProcess relay = relay(Map.of())) {
      assertFailure(relay.client().call("hello", Map.of()), ErrorCode.BACKEND_ERROR, NotesRelay.NOT_RUNNING);
      assertFailure(relay.client().call("notes_list", Map.of()), ErrorCode.BACKEND_ERROR, NotesRelay.NOT_RUNNING);
      relay.closeStdin();
      assertEquals(1, relay.awaitExit(EXIT));
      assertFalse(Files.exists(home.resolve("run/daemon.sock")), "nothing was started");
    }
  }

  @Test
  void aRelayToldToStartTheAppStartsItAndWaitsForIt() throws Exception {
    try (HostProcess relay = relay(Map.of("ACME_NOTES_START", "1"))) {
      assertSuccess(relay.client().call("notes_add", Map.of("text", "started by the relay"))).hasData("/id", "1");
      assertSuccess(relay.client().call("hello", Map.of())).hasData("/origin", "\"" + ORIGIN + "\"");
      long appPid = Long.parseLong(Files.readString(home.resolve("run/daemon.pid")).trim());
      assertTrue(appPid != relay.pid());
      relay.closeStdin();
      assertEquals(0, relay.awaitExit(EXIT));
      ProcessHandle started = ProcessHandle.of(appPid).orElseThrow();
      assertTrue(started.isAlive(), "the application outlives the port");
      started.destroyForcibly();
      started.onExit().get(10, TimeUnit.SECONDS);
    }
  }

  private void startApp() throws Exception {
    ProcessBuilder builder = new ProcessBuilder(java(NotesApp.class))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(home.resolve("app.stderr").toFile());
    builder.environment().putAll(environment());
    app = builder.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!Files.exists(home.resolve("run/daemon.pid"))) { // written once it listens
      assertTrue(app.isAlive(), () -> "the application exited: " + stderr());
      assertTrue(System.nanoTime() < deadline, () -> "the application does not listen: " + stderr());
      Thread.sleep(20);
    }
  }

  private HostProcess relay(Map<String, String> env) {
    HostProcess.Builder builder = HostProcess.builder(java(NotesRelay.class)).chrome(ORIGIN).directory(home);
    environment().forEach(builder::env);
    env.forEach(builder::env);
    return builder.start();
  }

  private Map<String, String> environment() {
    return Map.of("ACME_NOTES_HOME", home.toString(), "ACME_NOTES_EXTENSION", ORIGIN);
  }

  private Path handoffDir() {
    return home.resolve("run/handoff-" + app.pid());
  }

  private String stderr() {
    try {
      return Files.readString(home.resolve("app.stderr"));
    } catch (Exception e) {
      return e.toString();
    }
  }

  private static List<String> java(Class<?> main) {
    return List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), main.getName());
  }
}
