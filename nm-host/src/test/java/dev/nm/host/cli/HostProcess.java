package dev.nm.host.cli;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.protocol.FrameReader;
import dev.nm.protocol.FrameWriter;
import dev.nm.protocol.Json;
import dev.nm.route.RouteTable;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real nm-host process on real pipes, started as the launcher starts it ({@code java -cp ...
 * NmHostMain ARGS}), with {@code NM_HOST_HOME} in a test directory. Every byte it writes to stdout must be
 * part of a frame holding a JSON object; anything else fails the test.
 */
final class HostProcess implements AutoCloseable {
  static final String ORIGIN = "chrome-extension://abcdefghijklmnopabcdefghijklmnop/";

  private final Process process;
  private final FrameWriter toHost;
  private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
  private final Thread reader;
  private volatile Throwable stdoutFault;

  private HostProcess(Process process) {
    this.process = process;
    this.toHost = FrameWriter.of(process.getOutputStream(), Integer.MAX_VALUE, java.nio.ByteOrder.nativeOrder());
    this.reader = new Thread(this::readStdout, "host-stdout-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /** A host started the way a Chromium browser starts it. */
  static HostProcess browserLaunch(Path home, Map<String, String> env) throws IOException {
    return start(home, env, ORIGIN);
  }

  /** A host started the way a Chromium browser starts it, but reading its stdin from {@code input}. */
  static HostProcess browserLaunchReading(Path home, Path input) throws IOException {
    return start(home, Map.of(), ProcessBuilder.Redirect.from(input.toFile()), ORIGIN);
  }

  static HostProcess start(Path home, Map<String, String> env, String... args) throws IOException {
    return start(home, env, ProcessBuilder.Redirect.PIPE, args);
  }

  private static HostProcess start(Path home, Map<String, String> env, ProcessBuilder.Redirect stdin, String... args)
      throws IOException {
    List<String> command = javaCommand(home);
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectInput(stdin)
        .redirectError(home.resolve("host-" + System.nanoTime() + ".stderr").toFile());
    builder.environment().put("NM_HOST_HOME", home.toString());
    builder.environment().remove("NM_HOST_MODE");
    builder.environment().putAll(env);
    return new HostProcess(builder.start());
  }

  /** Starts {@code nm-host ARGS} with its stdout and stderr as pipes of their own. */
  static Process startPlain(Path home, String... args) throws IOException {
    List<String> command = javaCommand(home);
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("NM_HOST_HOME", home.toString());
    return builder.start();
  }

  /** Runs {@code nm-host ARGS} to completion; returns its stdout. */
  static String run(Path home, String... args) throws IOException, InterruptedException {
    List<String> command = javaCommand(home);
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("NM_HOST_HOME", home.toString());
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "nm-host " + String.join(" ", args) + " did not finish");
    return output;
  }

  /** Runs {@code nm-host ARGS} to completion in {@code workingDir}, with {@code env} over the home's; returns its stdout. */
  static String runIn(Path home, Path workingDir, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> command = javaCommand(home);
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).directory(workingDir.toFile());
    builder.environment().put("NM_HOST_HOME", home.toString());
    builder.environment().putAll(env);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "nm-host " + String.join(" ", args) + " did not finish");
    return output;
  }

  /**
   * Runs {@code nm-host ARGS} to completion as a user whose {@code $HOME} is {@code userHome}, with no
   * {@code NM_HOST_HOME} or XDG directories set; returns its stdout. Test routes are kept under {@code home}.
   */
  static String runAsUser(Path home, Path userHome, String... args) throws IOException, InterruptedException {
    List<String> command = javaCommand(home);
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeAll(List.of("NM_HOST_HOME", "NM_HOST_MODELS_DIR", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "CHROME_CONFIG_HOME"));
    builder.environment().put("HOME", userHome.toString());
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(30, TimeUnit.SECONDS), "nm-host " + String.join(" ", args) + " did not finish");
    return output;
  }

  /**
   * The launcher's JVM flags, and a class path with this module's classes plus the test's slow and ratio routes. The
   * daemon a relay starts inherits the class path.
   */
  private static List<String> javaCommand(Path home) throws IOException {
    Path services = home.resolve("test-routes/META-INF/services");
    Files.createDirectories(services);
    Files.writeString(
        services.resolve(RouteTable.class.getName()),
        SlowRouteTable.class.getName() + "\n" + RatioRouteTable.class.getName() + "\n");
    String classPath = home.resolve("test-routes") + File.pathSeparator + System.getProperty("java.class.path");
    return new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:+DisplayVMOutputToStderr", "-Xlog:disable", "-Xlog:all=warning:stderr", "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC",
        "-cp", classPath, NmHostMain.class.getName()));
  }

  long pid() {
    return process.pid();
  }

  void send(String json) throws IOException {
    toHost.writeFrame(json.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes bytes to the host's stdin as they are, framed or not. */
  void sendRaw(byte[] bytes) throws IOException {
    process.getOutputStream().write(bytes);
    process.getOutputStream().flush();
  }

  /** The next frame the host wrote; fails the test after {@code timeout}. */
  JsonNode receive(Duration timeout) throws InterruptedException {
    JsonNode frame = frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    assertNull(stdoutFault, () -> "stdout carried something other than frames: " + stdoutFault);
    assertNotNull(frame, "no frame from the host within " + timeout);
    return frame;
  }

  /** Sends a request and returns the next frame. */
  JsonNode call(String requestId, String route, String payload) throws IOException, InterruptedException {
    send("{\"request_id\":\"" + requestId + "\",\"route\":\"" + route + "\",\"payload\":" + payload + "}");
    return receive(Duration.ofSeconds(60));
  }

  /** Closes the host's stdin as a browser does when the port closes; returns how long the host took to exit. */
  Duration closeStdinAndAwaitExit(Duration limit) throws IOException, InterruptedException {
    OutputStream stdin = process.getOutputStream();
    long start = System.nanoTime();
    stdin.close();
    assertTrue(process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS), "the host did not exit within " + limit + " of EOF");
    return Duration.ofNanos(System.nanoTime() - start);
  }

  boolean awaitExit(Duration limit) throws InterruptedException {
    return process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
  }

  int exitValue() {
    return process.exitValue();
  }

  /** After exit: every frame not yet received, once stdout has been read to its end. */
  List<JsonNode> remainingFrames() throws InterruptedException {
    reader.join(5_000);
    assertNull(stdoutFault, () -> "stdout carried something other than frames: " + stdoutFault);
    List<JsonNode> rest = new ArrayList<>();
    frames.drainTo(rest);
    return rest;
  }

  private void readStdout() {
    FrameReader in = FrameReader.of(process.getInputStream());
    try {
      byte[] frame;
      while ((frame = in.nextFrame()) != null) {
        JsonNode json = Json.mapper().readTree(frame);
        if (!json.isObject()) {
          throw new IOException("a frame that is not a JSON object: " + new String(frame, StandardCharsets.UTF_8));
        }
        frames.add(json);
      }
    } catch (IOException | RuntimeException e) {
      stdoutFault = e;
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
