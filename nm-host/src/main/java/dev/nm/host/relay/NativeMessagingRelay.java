package dev.nm.host.relay;

import dev.nm.host.HostPaths;
import dev.nm.protocol.ErrorCode;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The process a browser starts for a native-messaging port, for an application that embeds a
 * {@link dev.nm.host.NativeMessagingServer}: it passes the port to the server listening on the application's
 * {@link HostPaths}, the way the reference host's {@code nm-host} passes it to its daemon (it is the same code).
 * An application's relay {@code main}, which its host manifest names:
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *   HostPaths paths = new HostPaths(home, home.resolve("models"));    // the home the application listens in
 *   int code = NativeMessagingRelay.builder(paths)
 *       .serverName("Acme Notes")
 *       .whenNotRunning("Acme Notes is not running; open it and try again")   // or .startServer(command)
 *       .build()
 *       .run(args);
 *   System.exit(code);
 * }
 * }</pre>
 *
 * <p>{@link #run} recognises the browser's arguments ({@code chrome-extension://ID/}, with {@code --parent-window=N}
 * on Windows; Firefox's manifest path and add-on id), keeps stdout for frames, and serves the port:
 *
 * <ul>
 *   <li>On Linux it hands its stdin and stdout to the server, which then reads and writes the browser's pipes itself
 *       while the relay only waits: through files in the server's hand-off directory where the server takes them
 *       ({@link dev.nm.host.NativeMessagingServer#listen(HostPaths)}), else in the handshake on its socket. If the
 *       server dies, the relay exits with 1 and the browser reports that the host has exited.
 *   <li>Otherwise, or with {@link Builder#handOffPipes handOffPipes(false)}, frames pass through the relay both ways;
 *       if the server dies, every request still in flight is answered with {@link ErrorCode#BACKEND_ERROR}
 *       ("Acme Notes exited before replying") and the relay exits.
 *   <li>When nothing answers on the socket, the relay either starts the server ({@link Builder#startServer}) and
 *       waits for it to listen, or ({@link Builder#whenNotRunning}) answers each request the browser sends with
 *       {@link ErrorCode#BACKEND_ERROR} and the application's message, until the browser closes the port.
 * </ul>
 *
 * <p>A relay loads few classes on purpose (no JSON binding, no logging while all goes well): a browser starts one
 * for every port, and for every {@code sendNativeMessage}.
 */
public final class NativeMessagingRelay {
  /** How long a server started by the relay may take to listen, unless {@link Builder#startTimeout} says otherwise. */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(20);

  private final HostPaths paths;
  private final String serverName;
  private final ServerLauncher launcher;
  private final String notRunningMessage;
  private final Duration startTimeout;
  private final boolean handOffPipes;

  private NativeMessagingRelay(Builder builder) {
    this.paths = builder.paths;
    this.serverName = builder.serverName;
    this.launcher = builder.launcher;
    this.notRunningMessage = builder.notRunningMessage;
    this.startTimeout = builder.startTimeout;
    this.handOffPipes = builder.handOffPipes;
  }

  /** A relay to the server that listens on {@code paths}' socket ({@link HostPaths#socket()}). */
  public static Builder builder(HostPaths paths) {
    return new Builder(paths);
  }

  /**
   * The caller's origin if {@code args} are a browser's launch of a native host: {@code chrome-extension://ID/} for
   * Chrome, Chromium, Edge, Brave and Vivaldi, {@code firefox:ADDON_ID} for Firefox; empty for any other command
   * line. The origin is what routes see as {@link dev.nm.route.RouteContext#origin()}.
   */
  public static Optional<String> browserOrigin(String[] args) {
    // No lambda or method reference: every launch of nm-host runs this, and the process's first one sets up the
    // JDK's method-handle machinery (5 ms).
    Optional<BrowserLaunch> launch = BrowserLaunch.detect(args);
    return launch.isPresent() ? Optional.of(launch.get().origin()) : Optional.empty();
  }

  /**
   * Serves the port of the browser that started this process with {@code args}, on this process's stdin and stdout,
   * until it ends; returns the exit code for the process. First of all it points {@link System#out} at stderr: the
   * browser reads every byte on stdout as part of a frame. Arguments that are no browser's launch are refused with
   * a line on stderr and exit code 2.
   */
  public int run(String[] args) {
    OutputStream frames = new FileOutputStream(FileDescriptor.out);
    System.setOut(System.err);
    Optional<BrowserLaunch> launch = BrowserLaunch.detect(args);
    if (launch.isEmpty()) {
      System.err.println(
          "not a browser's launch of a native-messaging host: expected chrome-extension://ID/ or a Firefox host "
              + "manifest's path and an add-on id, got " + List.of(args));
      return 2;
    }
    return relay(launch.get().origin(), new FileInputStream(FileDescriptor.in), frames);
  }

  /**
   * Serves one port for {@code origin}, already known, until it ends; returns the exit code for the process.
   *
   * @param stdin this process's stdin (its pipes are what the server takes over)
   * @param stdout this process's real stdout, for frames only
   */
  public int relay(String origin, FileInputStream stdin, OutputStream stdout) {
    return new RelayHost(origin, stdin, stdout, this).run(paths);
  }

  /**
   * A connection to the server's socket, for a command line of the application's own: started first as the builder
   * says, if nothing answers. The connection must open with the relay handshake
   * ({@link dev.nm.host.connection.RelayHandshake}), and must be closed.
   *
   * @throws IOException if no server answers (with {@link Builder#whenNotRunning}: at once), or it serves as another
   *     user
   */
  public SocketChannel connect() throws IOException {
    if (launcher == null) {
      SocketChannel channel = connectIfListening();
      if (channel == null) {
        throw new IOException(notRunningMessage);
      }
      return channel;
    }
    return ServerConnector.connectOrStart(paths, launcher, startTimeout, serverName);
  }

  /**
   * A connection to the server's socket if a server answers there now, or null; starts nothing.
   *
   * @throws IOException if the server serves as another user
   */
  public SocketChannel connectIfListening() throws IOException {
    return ServerConnector.tryConnect(paths);
  }

  String serverName() {
    return serverName;
  }

  /** Null when the relay starts no server. */
  ServerLauncher launcher() {
    return launcher;
  }

  String notRunningMessage() {
    return notRunningMessage;
  }

  Duration startTimeout() {
    return startTimeout;
  }

  boolean handsOffPipes() {
    return handOffPipes;
  }

  /** How a {@link NativeMessagingRelay} reaches its server. */
  public static final class Builder {
    private final HostPaths paths;
    private String serverName = "the server";
    private ServerLauncher launcher;
    private String notRunningMessage;
    private Duration startTimeout = DEFAULT_START_TIMEOUT;
    private boolean handOffPipes = true;

    private Builder(HostPaths paths) {
      this.paths = Objects.requireNonNull(paths, "paths");
    }

    /**
     * What failures call the server, e.g. {@code "Acme Notes"}: a request in flight when it dies is answered
     * "Acme Notes exited before replying". Default: {@code "the server"}.
     */
    public Builder serverName(String serverName) {
      this.serverName = Objects.requireNonNull(serverName, "serverName");
      return this;
    }

    /**
     * When nothing answers on the socket, starts the server with {@code launcher} and waits for it to listen (up to
     * {@link #startTimeout}). A request made while it cannot be started is answered with
     * {@link ErrorCode#BACKEND_ERROR}, "cannot reach" the server's name and why. Replaces {@link #whenNotRunning}.
     */
    public Builder startServer(ServerLauncher launcher) {
      this.launcher = Objects.requireNonNull(launcher, "launcher");
      this.notRunningMessage = null;
      return this;
    }

    /**
     * When nothing answers on the socket, starts the server with this command, detached: in a session of its own
     * where the system has {@code setsid} (a browser that ends the relay, or its process group, leaves the server
     * alone), with stdin, stdout and stderr not redirected to a file taken from and sent to the null device (the
     * relay's own are the browser's pipes). Its exit before it listens fails the start. Replaces
     * {@link #whenNotRunning}.
     */
    public Builder startServer(ProcessBuilder command) {
      return startServer(ServerLauncher.detached(command));
    }

    /**
     * When nothing answers on the socket, starts nothing: answers each request the browser sends with
     * {@link ErrorCode#BACKEND_ERROR} and {@code message} (e.g. "Acme Notes is not running; open it and try
     * again"), and exits with 1 once the browser closes the port. The default, with the message
     * "{@code serverName} is not running". Replaces {@link #startServer}.
     */
    public Builder whenNotRunning(String message) {
      this.notRunningMessage = Objects.requireNonNull(message, "message");
      this.launcher = null;
      return this;
    }

    /** How long a server the relay started may take to listen; default {@link #DEFAULT_START_TIMEOUT}. */
    public Builder startTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("the start timeout must be positive, not " + timeout);
      }
      this.startTimeout = timeout;
      return this;
    }

    /**
     * Whether the relay offers its stdin and stdout to the server (default true), which takes them where it can
     * (Linux); false passes every frame through the relay, which then answers the requests in flight with
     * {@link ErrorCode#BACKEND_ERROR} if the server dies, where a server holding the pipes ends the port.
     */
    public Builder handOffPipes(boolean handOffPipes) {
      this.handOffPipes = handOffPipes;
      return this;
    }

    public NativeMessagingRelay build() {
      if (launcher == null && notRunningMessage == null) {
        notRunningMessage = serverName.concat(" is not running");
      }
      return new NativeMessagingRelay(this);
    }
  }
}
