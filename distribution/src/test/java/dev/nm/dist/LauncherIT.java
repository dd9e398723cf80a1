package dev.nm.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.protocol.FrameReader;
import dev.nm.protocol.FrameWriter;
import dev.nm.protocol.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The built distribution's {@code bin/nm-host}, started as a browser starts it, on every Java this machine
 * has: whatever state the class-data archive is in (missing, being recorded, present, corrupt), stdout
 * carries the host's frames and nothing else. Also the daemon's engine processes, which only a daemon started
 * by the launcher, on the distribution's jars, runs as users get it.
 */
class LauncherIT {
  private static final Path LAUNCHER = Path.of("target/nm-host/bin/nm-host").toAbsolutePath();
  private static final String ORIGIN = "chrome-extension://abcdefghijklmnopabcdefghijklmnop/";

  private static final String CHAT_MODEL = "SmolLM2-135M-Instruct.Q4_1";

  @TempDir Path home;
  @TempDir Path cds;
  /** The scopes the test origin is granted. */
  private String scopes = "[]";
  /** The config file each launch finds; null: the test origin, granted {@link #scopes}. */
  private String config;

  /** Java 17 (the build's) and, where installed, Java 25, which has the AOT cache. */
  static Stream<Path> javas() {
    return Stream.of(Path.of(System.getProperty("java.home")), Path.of("/usr/lib/jvm/temurin-25-jdk-amd64"))
        .map(javaHome -> javaHome.resolve("bin/java"))
        .filter(Files::isExecutable)
        .distinct();
  }

  @ParameterizedTest
  @MethodSource("javas")
  void stdoutCarriesOnlyFramesWhateverStateTheArchiveIsIn(Path java) throws Exception {
    Map<String, String> env = Map.of("NM_HOST_JAVA", java.toString(), "NM_HOST_CDS_DIR", cds.toString());

    assertHelloIsTheOnlyOutput(env);
    Path archive = awaitArchive("nm-host-");
    assertHelloIsTheOnlyOutput(env);

    Files.write(archive, "not an archive".getBytes(StandardCharsets.US_ASCII));
    assertHelloIsTheOnlyOutput(env);
  }

  /**
   * A relay runs on a short class path with an archive of its own, and the daemon it starts has every jar:
   * {@code health} is an AI module's route, which a daemon on the relay's class path would not know.
   */
  @ParameterizedTest
  @MethodSource("javas")
  void relayKeepsItsOwnArchiveAndStartsTheDaemonWithEveryJar(Path java) throws Exception {
    Map<String, String> env = relayLaunches(java);
    try {
      assertEquals("ok", relay(env, "health").path("data").path("status").asText());
      awaitArchive("nm-host-relay-");
      assertEquals(ORIGIN, relay(env, "hello").path("data").path("origin").asText());
    } finally {
      stopDaemon(java);
    }
  }

  /**
   * A relay whose daemon cannot start (it refuses the config file) tells the extension why, in a frame: the relay's
   * short class path holds all it needs to say so.
   */
  @ParameterizedTest
  @MethodSource("javas")
  void aRelayWhoseDaemonCannotStartAnswersWhy(Path java) throws Exception {
    config = "{\"origns\": {}}";
    Process host = start(relayLaunches(java));
    JsonNode reply;
    try (OutputStream stdin = host.getOutputStream()) {
      FrameWriter.of(stdin).writeFrame("{\"request_id\":\"1\",\"route\":\"hello\"}".getBytes(StandardCharsets.UTF_8));
      reply = Json.mapper().readTree(FrameReader.of(host.getInputStream()).nextFrame());
    }
    assertTrue(host.waitFor(30, TimeUnit.SECONDS), "the host did not exit after EOF");
    assertEquals("BACKEND_ERROR", reply.path("error").path("code").asText(), reply::toString);
    assertEquals(
        "cannot reach the nm daemon: the nm daemon exited while starting (exit code 1); see " + home.resolve("logs/daemon.log"),
        reply.path("error").path("message").asText());
  }

  /**
   * The daemon, started through the launcher, records an archive over its run; once it has exited, the next
   * daemon maps it.
   */
  @ParameterizedTest
  @MethodSource("javas")
  void daemonRecordsAnArchiveOfItsOwnThatTheNextDaemonMaps(Path java) throws Exception {
    Map<String, String> env = relayLaunches(java);
    try {
      assertEquals("ok", relay(env, "health").path("data").path("status").asText());
      assertEquals(List.of(), archives("nm-host-daemon-"), "an archive while the recording daemon runs");
      stopDaemon(java);
      Path archive = awaitArchive("nm-host-daemon-");

      assertEquals("ok", relay(env, "health").path("data").path("status").asText());
      long pid = Long.parseLong(Files.readString(home.resolve("run/daemon.pid")).strip());
      String commandLine = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
      assertTrue(
          commandLine.contains("-XX:SharedArchiveFile=" + archive) || commandLine.contains("-XX:AOTCache=" + archive),
          commandLine);
    } finally {
      stopDaemon(java);
    }
  }

  /**
   * The daemon runs each model in an engine process of its own. The first records a class-data archive as it
   * exits, here when the model is unloaded, and the next maps it; neither writes anything but replies to its
   * stdout (the JVM logs the archive's dump there unless told otherwise).
   */
  @ParameterizedTest
  @MethodSource("javas")
  void engineProcessesRecordAnArchiveThatTheNextMaps(Path java) throws Exception {
    Map<String, String> env = new HashMap<>(relayLaunches(java));
    env.put("NM_HOST_MODELS_DIR", chatModel().getParent().toString());
    scopes = "[\"models.manage\"]";
    String model = "{\"model\": \"" + CHAT_MODEL + "\"}";
    try {
      relay(env, "load_model", model);
      assertEquals(1, engines().size(), "one engine process");
      relay(env, "unload_model", model);
      Path archive = awaitFile(home.resolve("native"), "engine-", ".jsa");

      relay(env, "load_model", model);
      List<String> engines = engines();
      assertEquals(1, engines.size(), engines.toString());
      assertTrue(engines.get(0).contains("-XX:SharedArchiveFile=" + archive), engines.get(0));
      assertTrue(!engines.get(0).contains("ArchiveClassesAtExit"), engines.get(0));
      assertEquals(
          true, relay(env, "unload_model", model).path("data").path("unloaded").asBoolean(), "the second engine served");
    } finally {
      stopDaemon(java);
    }
  }

  /**
   * An engine process that dies mid-answer (killed here; a crash in llama.cpp alike) fails only that answer, with
   * BACKEND_ERROR saying so; the daemon and the port stay up, and the next chat loads the model again.
   */
  @Test
  void aKilledEngineFailsItsChatAndTheNextChatLoadsTheModelAgain() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Map<String, String> env = new HashMap<>(relayLaunches(java));
    env.put("NM_HOST_MODELS_DIR", chatModel().getParent().toString());
    scopes = "[\"ai\"]";
    Process port = start(env);
    try (OutputStream stdin = port.getOutputStream()) {
      FrameWriter requests = FrameWriter.of(stdin);
      FrameReader replies = FrameReader.of(port.getInputStream());
      requests.writeFrame(chat("1", "Tell me a long story about a dragon.", 300, true));
      JsonNode first = Json.mapper().readTree(replies.nextFrame());
      assertEquals("chat.completion.chunk", first.path("event").asText(), first::toString);
      long daemon = Long.parseLong(Files.readString(home.resolve("run/daemon.pid")).strip());
      List<ProcessHandle> engines = ProcessHandle.of(daemon).orElseThrow().children()
          .filter(p -> commandLine(p.pid()).contains("EngineProcessMain")).toList();
      assertEquals(1, engines.size(), "one engine process, serving the chat");
      engines.get(0).destroyForcibly();

      JsonNode reply;
      do {
        reply = Json.mapper().readTree(replies.nextFrame());
      } while (reply.has("event"));
      assertEquals(false, reply.path("success").asBoolean(), reply::toString);
      assertEquals("BACKEND_ERROR", reply.path("error").path("code").asText(), reply::toString);
      assertTrue(reply.path("error").path("message").asText().contains("was killed by signal 9"), reply::toString);

      requests.writeFrame(chat("2", "What is the capital of France?", 8, false));
      JsonNode next = Json.mapper().readTree(replies.nextFrame());
      assertTrue(next.path("success").asBoolean(), next::toString);
      assertTrue(next.path("data").path("choices").path(0).path("message").path("content").asText().contains("Paris"), next::toString);
      assertTrue(ProcessHandle.of(daemon).orElseThrow().isAlive(), "the daemon served on");
    } finally {
      assertTrue(port.waitFor(30, TimeUnit.SECONDS), "the host did not exit after EOF");
      stopDaemon(java);
    }
  }

  private static byte[] chat(String id, String question, int maxTokens, boolean stream) throws IOException {
    Map<String, Object> payload = Map.of(
        "messages", List.of(Map.of("role", "user", "content", question)),
        "max_tokens", maxTokens, "temperature", 0, "stream", stream);
    return Json.mapper().writeValueAsBytes(Map.of("request_id", id, "route", "chat", "payload", payload));
  }

  /** The distribution's logging, every level on: a host's log lines reach stderr and logs/host.log, never stdout. */
  /**
   * Windows starts {@code bin/nm-host.cmd}, which this machine cannot run: it must keep cmd.exe quiet, end its lines
   * as cmd.exe reads them, and start the same main class with the same stdout guards as {@code bin/nm-host}.
   */
  @Test
  void theWindowsLauncherGuardsStdoutAsThePosixOneDoes() throws IOException {
    String posix = Files.readString(LAUNCHER);
    String windows = Files.readString(LAUNCHER.resolveSibling("nm-host.cmd"));
    assertTrue(windows.startsWith("@echo off\r\n"), "cmd.exe echoes every command to stdout unless told not to");
    assertEquals(windows.split("\n").length, windows.split("\r\n").length, "every line ends in CRLF");
    String stdoutGuards = "-XX:+DisplayVMOutputToStderr -Xlog:disable -Xlog:all=warning:stderr";
    String mainClass = "dev.nm.host.cli.NmHostMain";
    assertTrue(posix.contains(stdoutGuards) && posix.contains(mainClass), "the POSIX launcher changed: update this test");
    String javaLine = windows.lines().filter(line -> line.startsWith("\"%nm_java%\" ")).findFirst().orElseThrow();
    assertTrue(javaLine.contains(stdoutGuards), javaLine);
    assertTrue(javaLine.contains(" -cp \"%nm_home%\\lib\\*\" " + mainClass + " %*"), javaLine);
    assertTrue(javaLine.contains("\"-Dnm.host.launcher=%NM_HOST_LAUNCHER%\""), "install names this launcher in manifests");
  }

  @Test
  void hostLogsGoToStderrAndTheLogFileNeverToStdout() throws Exception {
    assertHelloIsTheOnlyOutput(Map.of("NM_HOST_LOG_LEVEL", "DEBUG", "NM_HOST_CDS", "off"));

    String line = "hello answered ";
    assertTrue(Files.readString(home.resolve("stderr.log")).contains(line), "stderr has no line with '" + line + "'");
    assertTrue(Files.readString(home.resolve("logs/host.log")).contains(line), "logs/host.log has no line with '" + line + "'");
  }

  @Test
  void refusesAJavaOlderThan17AndSaysWhatToDo() throws Exception {
    Path oldJava = home.resolve("jdk-11/bin/java");
    Files.createDirectories(oldJava.getParent());
    Files.writeString(oldJava, "#!/bin/sh\necho must not run\n");
    Files.setPosixFilePermissions(oldJava, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(home.resolve("jdk-11/release"), "JAVA_VERSION=\"11.0.22\"\nJAVA_RUNTIME_VERSION=\"11.0.22+7\"\n");

    Process launcher = start(Map.of("NM_HOST_JAVA", oldJava.toString()));
    launcher.getOutputStream().close();
    assertTrue(launcher.waitFor(10, TimeUnit.SECONDS));

    assertEquals(1, launcher.exitValue());
    assertEquals("", new String(launcher.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    assertEquals(
        "nm-host: " + oldJava + " is Java 11.0.22+7; nm-host needs Java 17 or later: install one and set NM_HOST_JAVA\n",
        Files.readString(home.resolve("stderr.log")));
  }

  /** Sends hello, closes stdin, and checks that every stdout byte was the one reply frame. */
  private void assertHelloIsTheOnlyOutput(Map<String, String> env) throws Exception {
    Process host = start(env);
    try (OutputStream stdin = host.getOutputStream()) {
      FrameWriter.of(stdin).writeFrame("{\"request_id\":\"1\",\"route\":\"hello\"}".getBytes(StandardCharsets.UTF_8));
      FrameReader replies = FrameReader.of(host.getInputStream());
      JsonNode hello = Json.mapper().readTree(replies.nextFrame());
      assertTrue(hello.path("success").asBoolean(), hello::toString);
      assertEquals(ORIGIN, hello.path("data").path("origin").asText());
    }
    assertTrue(host.waitFor(30, TimeUnit.SECONDS), "the host did not exit after EOF");
    byte[] rest = host.getInputStream().readAllBytes();
    assertEquals(List.of(), frames(rest), "stdout after the reply");
  }

  /** One request through a browser launch; the reply, after checking that it succeeded. */
  private JsonNode relay(Map<String, String> env, String route) throws Exception {
    return relay(env, route, "{}");
  }

  private JsonNode relay(Map<String, String> env, String route, String payload) throws Exception {
    Process host = start(env);
    JsonNode reply;
    try (OutputStream stdin = host.getOutputStream()) {
      String request = "{\"request_id\":\"1\",\"route\":\"" + route + "\",\"payload\":" + payload + "}";
      FrameWriter.of(stdin).writeFrame(request.getBytes(StandardCharsets.UTF_8));
      reply = Json.mapper().readTree(FrameReader.of(host.getInputStream()).nextFrame());
    }
    assertTrue(host.waitFor(30, TimeUnit.SECONDS), "the host did not exit after EOF");
    assertTrue(reply.path("success").asBoolean(), reply::toString);
    return reply;
  }

  private Process start(Map<String, String> env) throws IOException {
    Files.writeString(
        home.resolve("config.json"),
        config != null ? config : "{\"origins\": {\"" + ORIGIN + "\": {\"scopes\": " + scopes + "}}}");
    ProcessBuilder builder = new ProcessBuilder(LAUNCHER.toString(), ORIGIN)
        .redirectError(ProcessBuilder.Redirect.appendTo(home.resolve("stderr.log").toFile()));
    builder.environment().putAll(Map.of("NM_HOST_HOME", home.toString(), "NM_HOST_MODE", "standalone"));
    builder.environment().putAll(env);
    return builder.start();
  }

  /** The environment of a browser launch in relay mode on {@code java}, archives in {@link #cds}. */
  private Map<String, String> relayLaunches(Path java) {
    return Map.of("NM_HOST_JAVA", java.toString(), "NM_HOST_CDS_DIR", cds.toString(), "NM_HOST_MODE", "relay");
  }

  private void stopDaemon(Path java) throws Exception {
    ProcessBuilder stop = new ProcessBuilder(LAUNCHER.toString(), "daemon", "stop")
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    stop.environment().putAll(Map.of("NM_HOST_HOME", home.toString(), "NM_HOST_JAVA", java.toString()));
    stop.start().waitFor(30, TimeUnit.SECONDS);
  }

  /** The default chat model, where scripts/models/fetch-chat-model.sh puts it; the test is skipped without it (failed in CI). */
  private static Path chatModel() {
    String dir = System.getenv("NM_HOST_MODELS_DIR");
    Path file = (dir != null ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".local/share/nm-host/models"))
        .resolve(CHAT_MODEL + ".gguf");
    String hint = file + " is missing; run scripts/models/fetch-chat-model.sh";
    if (System.getenv("NM_REQUIRE_MODELS") != null) {
      assertTrue(Files.isRegularFile(file), hint);
    } else {
      Assumptions.assumeTrue(Files.isRegularFile(file), hint);
    }
    return file;
  }

  /** The command lines of the daemon's engine processes. */
  private List<String> engines() throws IOException {
    long daemon = Long.parseLong(Files.readString(home.resolve("run/daemon.pid")).strip());
    return ProcessHandle.of(daemon).orElseThrow().children()
        .map(p -> commandLine(p.pid()))
        .filter(line -> line.contains("EngineProcessMain"))
        .toList();
  }

  private static String commandLine(long pid) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
    } catch (IOException e) {
      return ""; // exited meanwhile
    }
  }

  private static Path awaitFile(Path dir, String prefix, String suffix) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (Files.isDirectory(dir)) {
        try (Stream<Path> files = Files.list(dir)) {
          List<Path> found =
              files.filter(f -> f.getFileName().toString().startsWith(prefix) && f.getFileName().toString().endsWith(suffix)).toList();
          if (!found.isEmpty()) {
            return found.get(0);
          }
        }
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    throw new AssertionError("no " + prefix + "*" + suffix + " in " + dir + " within a minute");
  }

  /** The archive named {@code prefix...} that the background job renames into place after its recording run. */
  private Path awaitArchive(String prefix) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      List<Path> archives = archives(prefix);
      if (!archives.isEmpty()) {
        return archives.get(0);
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    throw new AssertionError("no class-data archive " + prefix + "* in " + cds + " two minutes after its recording");
  }

  private List<Path> archives(String prefix) throws IOException {
    try (Stream<Path> files = Files.list(cds)) {
      return files
          .filter(f -> f.getFileName().toString().startsWith(prefix) && f.toString().matches(".*\\.(jsa|aot)$"))
          .toList();
    }
  }

  /** Every byte parsed as frames; fails on bytes that are not. */
  private static List<String> frames(byte[] bytes) throws IOException {
    FrameReader reader = FrameReader.of(new ByteArrayInputStream(bytes));
    List<String> frames = new ArrayList<>();
    byte[] frame;
    while ((frame = reader.nextFrame()) != null) {
      frames.add(new String(frame, StandardCharsets.UTF_8));
    }
    return frames;
  }
}
