package dev.nm.testkit;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nm.protocol.FrameReader;
import dev.nm.protocol.FrameWriter;
import dev.nm.protocol.ProtocolLimits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.apiguardian.api.API;

/**
 * A host process started the way a browser starts one, with an {@link NmClient} on its stdin and stdout.
 *
 * <ul>
 *   <li>Chrome, Edge, Brave: {@code executable chrome-extension://ID/}.
 *   <li>Firefox: {@code executable /path/to/manifest.json addon@id}.
 *   <li>The working directory is the executable's directory; the environment is the test's plus
 *       {@link Builder#env additions} (a hermetic {@code NM_HOST_HOME}, say).
 *   <li>stderr goes to a file, readable with {@link #stderr()} while the process runs and after it exits.
 * </ul>
 *
 * <pre>{@code
 * try (HostProcess host = HostProcess.builder(launcher).chrome("chrome-extension://abc/")
 *     .env("NM_HOST_HOME", home.toString()).start()) {
 *   assertSuccess(host.client().call("hello", Map.of()));
 *   host.closeStdin();
 *   assertEquals(0, host.awaitExit(Duration.ofSeconds(5)));
 * }
 * }</pre>
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class HostProcess implements AutoCloseable {
  private static final Duration GRACE_ON_CLOSE = Duration.ofSeconds(5);

  private final Process process;
  private final NmClient client;
  private final Path stderrFile;

  private HostProcess(Process process, Path stderrFile) {
    this.process = process;
    this.stderrFile = stderrFile;
    ByteOrder order = ByteOrder.nativeOrder();
    this.client =
        NmClient.over(
            FrameReader.of(process.getInputStream(), ProtocolLimits.MAX_OUTBOUND_FRAME_BYTES, order),
            FrameWriter.of(process.getOutputStream(), ProtocolLimits.MAX_INBOUND_FRAME_BYTES, order),
            process.getOutputStream());
  }

  /**
   * Starts describing a host launched as {@code executable}, as a browser would: it runs the manifest's
   * {@code path} directly.
   */
  public static Builder builder(Path executable) {
    return new Builder(List.of(executable.toAbsolutePath().toString()));
  }

  /**
   * Starts describing a host launched with a command line, e.g. {@code java -cp ... Main}; the browser's
   * arguments follow it. The working directory is the directory of {@code command[0]} (the current directory
   * for a bare name such as {@code java}) unless {@link Builder#directory} says otherwise.
   */
  public static Builder builder(List<String> command) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("the command is empty; give at least the executable");
    }
    return new Builder(List.copyOf(command));
  }

  /** The client talking to the host's stdin and stdout. */
  public NmClient client() {
    return client;
  }

  public long pid() {
    return process.pid();
  }

  /** The file receiving the host's stderr. */
  public Path stderrFile() {
    return stderrFile;
  }

  /** What the host has written to stderr so far. */
  public String stderr() {
    try {
      return Files.readString(stderrFile, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the host's stderr from " + stderrFile, e);
    }
  }

  /** Closes the host's stdin, as a browser does when the extension's port disconnects. */
  public void closeStdin() {
    try {
      process.getOutputStream().close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the host's stdin", e);
    }
  }

  /**
   * Waits for the host to exit.
   *
   * @return its exit code
   * @throws AssertionError quoting the host's stderr, if it is still running after {@code timeout}
   */
  public int awaitExit(Duration timeout) {
    try {
      if (process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        return process.exitValue();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for host process " + pid() + " to exit", e);
    }
    throw new AssertionError(
        "host process " + pid() + " still runs " + timeout.toMillis() + " ms later; its stderr:\n" + stderr());
  }

  /**
   * Closes stdin, gives the host a few seconds to exit on its own, then kills it and its descendants.
   * Interrupted, it kills at once.
   *
   * @throws AssertionError if the host violated the protocol (see {@link NmClient#close()})
   */
  @Override
  public void close() {
    try {
      closeStdin();
      if (!process.waitFor(GRACE_ON_CLOSE.toMillis(), TimeUnit.MILLISECONDS)) {
        kill();
      }
    } catch (InterruptedException e) {
      kill();
      Thread.currentThread().interrupt();
    } finally {
      client.close();
    }
  }

  private void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  /** How to start a {@link HostProcess}. */
  @API(status = EXPERIMENTAL, since = "0.1")
  public static final class Builder {
    private final List<String> command;
    private final Map<String, String> env = new LinkedHashMap<>();
    private List<String> browserArguments;
    private Path directory;
    private Path stderrFile;

    private Builder(List<String> command) {
      this.command = command;
    }

    /**
     * Calls the host as Chromium-based browsers do: the only argument is the caller's origin,
     * {@code chrome-extension://<extension id>/}. Any other text is passed as given, to test how a host
     * treats an origin no browser sends.
     */
    public Builder chrome(String origin) {
      browserArguments = List.of(Objects.requireNonNull(origin, "origin"));
      return this;
    }

    /** Calls the host as Firefox does: the host manifest's path, then the calling add-on's id. */
    public Builder firefox(Path manifest, String addonId) {
      browserArguments = List.of(manifest.toAbsolutePath().toString(), Objects.requireNonNull(addonId, "addonId"));
      return this;
    }

    /** Adds or replaces one environment variable of the host. */
    public Builder env(String name, String value) {
      env.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Overrides the working directory (by default, the executable's directory). */
    public Builder directory(Path directory) {
      this.directory = directory;
      return this;
    }

    /**
     * Sends stderr to this file, replacing its contents; by default, a new temporary file removed when the test
     * JVM exits.
     */
    public Builder stderrTo(Path file) {
      this.stderrFile = file;
      return this;
    }

    /**
     * Starts the host.
     *
     * @throws IllegalStateException if neither {@link #chrome} nor {@link #firefox} said who calls
     * @throws UncheckedIOException if the process cannot be started
     */
    public HostProcess start() {
      if (browserArguments == null) {
        throw new IllegalStateException(
            "say which browser calls the host: chrome(\"chrome-extension://<id>/\") or firefox(manifest, addonId);"
                + " browsers always pass the caller, and hosts depend on it");
      }
      List<String> commandLine = new ArrayList<>(command);
      commandLine.addAll(browserArguments);
      try {
        Path stderr = stderrFile;
        if (stderr == null) {
          stderr = Files.createTempFile("nm-host-", ".stderr");
          stderr.toFile().deleteOnExit(); // read after the host exits, so kept until the test JVM ends
        }
        ProcessBuilder builder =
            new ProcessBuilder(commandLine)
                .directory((directory != null ? directory : executableDirectory()).toFile())
                .redirectError(ProcessBuilder.Redirect.to(stderr.toFile()));
        builder.environment().putAll(env);
        return new HostProcess(builder.start(), stderr);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start host " + commandLine, e);
      }
    }

    private Path executableDirectory() {
      Path parent = Path.of(command.get(0)).toAbsolutePath().getParent();
      return parent != null ? parent : Path.of("").toAbsolutePath();
    }
  }
}
