package dev.nm.host;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nm.host.connection.PipeHandoffListener;
import dev.nm.host.connection.RoundRobinQueue;
import dev.nm.host.connection.ServerConnection;
import dev.nm.host.connection.ServingContext;
import dev.nm.host.connection.UnixSocketListener;
import dev.nm.host.dispatch.Dispatcher;
import dev.nm.host.middleware.Audit;
import dev.nm.host.middleware.AuditLog;
import dev.nm.host.middleware.HomeDirectoryRedaction;
import dev.nm.host.middleware.Metrics;
import dev.nm.host.middleware.Middleware;
import dev.nm.host.middleware.OriginAllowlist;
import dev.nm.host.middleware.RateLimit;
import dev.nm.host.middleware.RequestLogging;
import dev.nm.host.middleware.Scopes;
import dev.nm.host.routes.BuiltinRouteTable;
import dev.nm.protocol.EnvelopeCodec;
import dev.nm.protocol.FrameReader;
import dev.nm.protocol.FrameWriter;
import dev.nm.protocol.Message;
import dev.nm.protocol.MessageWriter;
import dev.nm.protocol.ProtocolException;
import dev.nm.route.DeclaredCase;
import dev.nm.route.RouteException;
import dev.nm.route.RouteTable;
import dev.nm.route.Services;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving side of the nm protocol, embeddable in any Java application: it reads request frames from a
 * browser port (or a relay), passes each through the middleware chain (logging, metrics, audit, origin
 * allowlist, scopes, rate limits) to its route's handler, and writes the reply, chunked if large.
 *
 * <pre>{@code
 * HostPaths paths = new HostPaths(appHome, appHome.resolve("models"));   // your application's own home
 * NativeMessagingServer server = NativeMessagingServer.builder()
 *     .routesFromClassPath(getClass().getClassLoader())
 *     .services(services)
 *     .config(HostConfig.load(paths.configFile()).withOrigin(origin, List.of()))   // no file: no origin allowed
 *     .paths(paths)
 *     .hostVersion("1.2.0")
 *     .build();
 * OutputStream frames = new FileOutputStream(FileDescriptor.out);   // the real stdout, for frames only:
 * System.setOut(System.err);                                       // a library's println must not reach it
 * server.serve(System.in, frames, origin);   // one browser port, until it closes
 * }</pre>
 *
 * <p>{@link HostConfig#defaults()}, which {@link HostConfig#load} returns for a missing file, allows no origin:
 * every call from an origin not added with {@link HostConfig#withOrigin} is answered {@code FORBIDDEN}. Give an
 * embedding application a {@link HostPaths} of its own: {@link HostPaths#fromEnvironment()} is the reference
 * host's home, whose {@link HostPaths#socket()} an installed nm-host daemon listens on.
 *
 * <p>One server serves any number of connections at once; requests run on two bounded daemon pools of
 * {@link HostConfig#workers()} threads, one for HEAVY routes and one for the rest, except UNLIMITED routes,
 * which each connection's reader thread runs itself. Thread-safe.
 *
 * <p>It logs through SLF4J and brings no binding. A server on {@code System.out} needs one that writes to
 * stderr or a file: unconfigured logback, for one, writes to stdout, where the browser reads frames.
 */
public final class NativeMessagingServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NativeMessagingServer.class);

  private final RouteCatalog catalog;
  private final AtomicReference<HostConfig> config;
  private final AuditLog auditLog;
  private final ServingContext serving;
  private final Dispatcher dispatcher;
  private final Set<ServerConnection> connections = ConcurrentHashMap.newKeySet();
  /** The socket and hand-off listeners: how relays reach this server. */
  private final List<Closeable> listeners = new ArrayList<>();
  private final ExecutorService lightPool;
  private final ExecutorService heavyPool;
  /** Closes connections whose peer reads nothing while replies wait for it (see {@link Builder#writeStallTimeout}). */
  private final ScheduledExecutorService stallWatch;
  /** Calls between their arrival and their reply, on every connection. */
  private final AtomicInteger inFlightCalls;
  private final Object activity = new Object();
  private long lastActivityNanos = System.nanoTime();
  private volatile boolean closed;
  /** Set by {@link #stopAccepting}; guarded by {@link #activity}. */
  private boolean stoppedAccepting;

  private NativeMessagingServer(Builder builder) {
    Builder.Routes routes = builder.preparedRoutes();
    this.catalog = routes.catalog();
    this.config = new AtomicReference<>(builder.config);
    this.auditLog = builder.paths == null ? AuditLog.disabled() : AuditLog.to(builder.paths.auditLog());
    RouteStats stats = new RouteStats();
    this.inFlightCalls = new AtomicInteger();
    HostStatus status = new LiveStatus(builder.hostVersion, builder.mode, Instant.now(), connections::size, inFlightCalls::get);
    AccessPolicy policy = new LiveAccessPolicy(config::get);
    Services services =
        builder.services.toBuilder()
            .add(RouteCatalog.class, catalog)
            .add(RouteStats.class, stats)
            .add(HostStatus.class, status)
            .add(AccessPolicy.class, policy)
            .build();
    List<Middleware> middlewares =
        List.of(
            HomeDirectoryRedaction.forThisUser(),
            new RequestLogging(),
            new Metrics(stats, policy),
            new Audit(auditLog),
            new OriginAllowlist(config::get, builder.howToAllow),
            new Scopes(config::get),
            new RateLimit(config::get));
    // Light calls take milliseconds: first in, first out, on the JDK's queue, whose producer and consumers do not
    // share a lock (a round-robin queue cost 4-5 % of light-route throughput). Heavy calls (chats) take seconds:
    // waiting for a worker, each origin's take turns with the others'.
    this.lightPool = Executors.newFixedThreadPool(builder.config.workers(), daemonThreads("nm-worker-"));
    this.heavyPool = RoundRobinQueue.pool(builder.config.workers(), daemonThreads("nm-heavy-"));
    this.dispatcher = routes.dispatcher();
    this.serving =
        new ServingContext(
            catalog,
            Middleware.chain(middlewares, dispatcher),
            services,
            lightPool,
            heavyPool,
            builder.config.maxInFlightPerConnection(),
            inFlightCalls,
            this::ended,
            builder.writeStallTimeout);
    long watchMillis = Math.max(100, Math.min(5_000, builder.writeStallTimeout.toMillis() / 4));
    this.stallWatch = Executors.newSingleThreadScheduledExecutor(daemonThreads("nm-stall-watch-"));
    stallWatch.scheduleWithFixedDelay(
        () -> connections.forEach(ServerConnection::closeIfStalled), watchMillis, watchMillis, TimeUnit.MILLISECONDS);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Serves one connection on this thread until the input ends or the connection is closed; at the end every
   * unanswered call of the connection is cancelled. Returns promptly after end of input.
   *
   * @param origin the caller, e.g. the {@code chrome-extension://ID/} the browser passed to the host
   */
  public void serve(InputStream in, OutputStream out, String origin) {
    awaitEnd(open(FrameReader.of(in), FrameWriter.of(out), origin, in));
  }

  /**
   * Serves one connection read from a blocking channel, such as {@code new
   * FileInputStream(FileDescriptor.in).getChannel()}, on this thread until the input ends or the connection is
   * closed. Frames are read through a buffer, so the replies to a burst of requests that arrived together go
   * out in one write where the routes allow (see {@link dev.nm.route.RateTier#UNLIMITED}).
   */
  public void serve(ReadableByteChannel in, OutputStream out, String origin) {
    awaitEnd(open(FrameReader.of(in), FrameWriter.of(out), origin, in));
  }

  private static void awaitEnd(Connection connection) {
    try {
      connection.await();
    } catch (InterruptedException e) {
      connection.close();
      Thread.currentThread().interrupt();
    }
  }

  /** Starts serving one connection on its own reader thread; the caller owns (and closes) the streams. */
  public Connection open(FrameReader in, FrameWriter out, String origin) {
    return open(in, out, origin, null);
  }

  /**
   * Starts serving one connection on its own reader thread.
   *
   * @param transport closed when the connection ends, which also unblocks its reader; null if the caller owns
   *     the streams
   * @throws IllegalStateException if the server is closed
   */
  public Connection open(FrameReader in, FrameWriter out, String origin, AutoCloseable transport) {
    requireOpen();
    ServerConnection connection =
        new ServerConnection(in, new MessageWriter(out, new EnvelopeCodec()), origin, transport, serving);
    connections.add(connection);
    touch();
    connection.start();
    return connection;
  }

  /**
   * Accepts relay connections on a Unix-domain socket, on daemon threads; returns once listening. The
   * socket's directory is created with mode 0700. Each connection starts with a relay handshake, one frame
   * framed like all others, that names the origin the client speaks for; in its simplest form,
   * {@code {"relay": {"version": 1, "origin": "..."}}}, the connection then carries ordinary frames both ways.
   * That is not the whole handshake: version 2 (the relay hands over its own stdin and stdout), the frames the
   * server answers on the socket, and how a malformed handshake is refused are specified in the repository's
   * ARCHITECTURE.md, section "Relay handshake (resident host)". A client must follow that section;
   * {@link dev.nm.host.connection.RelayHandshake} builds and reads the handshake frame.
   *
   * @throws IOException if the socket cannot be bound or another server listens there
   */
  public void listen(Path socketPath) throws IOException {
    requireOpen();
    addListener(UnixSocketListener.start(socketPath, this::open));
  }

  /**
   * Listens where a {@link dev.nm.host.relay.NativeMessagingRelay} built with the same {@code paths} looks for its
   * server, as the reference daemon does: on {@link HostPaths#socket()} ({@link #listen(Path)}) and, where relays can
   * hand their pipes over through files (Linux), in {@link HostPaths#handoffDir} of this process
   * ({@link #acceptPipeHandoffs}), named in {@link HostPaths#daemonPidFile()} (written on every system, once the
   * socket listens), where relays find it. Hand-off
   * directories that hosts killed earlier left in {@link HostPaths#runDir()} are removed. {@link #stopAccepting} and
   * {@link #close} remove the socket and, while it still names this process, the pid file.
   *
   * <p>The socket alone serves relays too, since they offer their pipes in its handshake; the files spare a relay
   * its first socket, 10-14 ms of each browser launch. So a server that cannot write its pid file (a full disk)
   * serves all the same, over the socket: it logs why, and removes a pid file left by a server killed earlier,
   * so that no relay hands its pipes to a directory nobody reads.
   *
   * @throws IOException if the socket cannot be bound or another server listens there (nothing else is then
   *     changed), or the hand-off directory cannot be created
   */
  public void listen(HostPaths paths) throws IOException {
    listen(paths.socket());
    long pid = ProcessHandle.current().pid();
    if (PipeHandoffListener.isSupported()) {
      PipeHandoffListener.removeDirsOfGoneHosts(paths.runDir());
      acceptPipeHandoffs(paths.handoffDir(pid));
    }
    String record = pid + "\n";
    Path pidFile = paths.daemonPidFile();
    try {
      Files.writeString(pidFile, record);
    } catch (IOException e) {
      log.warn("cannot write {} ({}); relays will reach this server over its socket", pidFile, e.toString());
      try {
        Files.deleteIfExists(pidFile);
      } catch (IOException notRemoved) {
        log.warn("cannot remove {} ({})", pidFile, notRemoved.toString());
      }
      return;
    }
    addListener(new Closeable() {
      @Override
      public void close() throws IOException {
        try {
          if (Files.readString(pidFile).equals(record)) {
            Files.delete(pidFile);
          }
        } catch (NoSuchFileException e) {
          // Removed already.
        }
      }

      @Override
      public String toString() {
        return pidFile.toString();
      }
    });
  }

  /**
   * Takes the browser pipes that relays hand over through files in {@code dir}, created with mode 0700 (see
   * {@link dev.nm.host.connection.PipeHandoffFiles}): a relay's fast way in, beside the socket of {@link #listen}.
   *
   * @throws IOException if the directory cannot be created or watched
   */
  public void acceptPipeHandoffs(Path dir) throws IOException {
    requireOpen();
    addListener(PipeHandoffListener.start(dir, this::open));
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the server is closed");
    }
  }

  private void addListener(Closeable listener) {
    synchronized (listeners) {
      listeners.add(listener);
    }
  }

  /**
   * Blocks until no connection has been open for the config's {@code idle_timeout_seconds}, or, after
   * {@link #stopAccepting}, until no connection is open; or until the server is closed. A resident host calls
   * it after {@link #listen} and exits when it returns.
   */
  public void awaitIdle() throws InterruptedException {
    synchronized (activity) {
      while (!closed) {
        if (!connections.isEmpty()) {
          activity.wait();
          continue;
        }
        if (stoppedAccepting) {
          return;
        }
        long idleFor = System.nanoTime() - lastActivityNanos;
        long remaining = TimeUnit.SECONDS.toNanos(config().idleTimeoutSeconds()) - idleFor;
        if (remaining <= 0) {
          return;
        }
        TimeUnit.NANOSECONDS.timedWait(activity, remaining);
      }
    }
  }

  /**
   * Decodes, binds and checks every declared case of every route {@code rounds} times, calling no handler and
   * no middleware, and encodes the refusals of the invalid ones; builds each route's reply serializers first.
   * The JIT compiles only code that has run a few hundred times, and a local host's requests are few: without
   * this a resident server would run its decoding, binding and validation code interpreted for its first few
   * hundred requests, a millisecond or more each (Hibernate Validator's alone). A resident host calls it once,
   * on a background thread, after {@link #listen}. Between rounds it waits while calls are in flight: the
   * requests that started the host, a model load among them, get the machine's cores first.
   */
  public void warmUp(int rounds) {
    EnvelopeCodec codec = new EnvelopeCodec();
    List<byte[]> frames = new ArrayList<>();
    for (RouteCatalog.Entry entry : catalog.entries()) {
      codec.mapper().writerFor(entry.descriptor().responseType()); // builds the reply's serializers
      for (DeclaredCase declared : entry.descriptor().cases()) {
        try {
          JsonNode payload = codec.mapper().readTree(declared.request());
          frames.add(codec.encode(new Message.Request("warm-up", entry.descriptor().name(), payload)));
        } catch (IOException e) {
          log.debug("route '{}' declares a case that is not JSON: {}", entry.descriptor().name(), e.toString());
        }
      }
    }
    for (int round = 0; round < rounds && !closed; round++) {
      if (!awaitNoCallInFlight()) {
        return;
      }
      for (byte[] frame : frames) {
        try {
          Message.Request request = codec.decodeRequest(frame);
          dispatcher.rehearse(request.route(), request.payload());
        } catch (ProtocolException e) {
          codec.encode(e.toFailure());
        } catch (RouteException e) {
          codec.encode(new Message.Failure("warm-up", e.toErrorBody()));
        } catch (RuntimeException e) {
          log.debug("warming up on a declared case failed: {}", e.toString());
        }
      }
    }
  }

  private void ended(ServerConnection connection) {
    connections.remove(connection);
    touch();
  }

  private void touch() {
    synchronized (activity) {
      lastActivityNanos = System.nanoTime();
      activity.notifyAll();
    }
  }

  /** Connections being served now. */
  public int connectionCount() {
    return connections.size();
  }

  /** The routes this server serves. */
  public RouteCatalog catalog() {
    return catalog;
  }

  /** The config in force. */
  public HostConfig config() {
    return config.get();
  }

  /**
   * Puts a new config in force for every connection's next call (pool sizes keep their values from
   * {@link Builder#config}), and records the change in the audit log.
   */
  public void updateConfig(HostConfig next) {
    HostConfig previous = config.getAndSet(Objects.requireNonNull(next, "next"));
    auditLog.configChanged(previous, next);
    wakeIdleWait();
  }

  /**
   * Puts in force a config file saved meanwhile ({@code nm-host install}, {@code nm-host config allow}, or an edit by
   * hand), as {@link #updateConfig} does, and records it in the audit log as {@code config_reloaded}: a hand edit
   * has no other record, and the installer's own {@code config_changed} line tells what was saved, not when it took
   * effect.
   */
  public void adoptSavedConfig(Path from, HostConfig saved) {
    HostConfig previous = config.getAndSet(Objects.requireNonNull(saved, "saved"));
    auditLog.configReloaded(from, previous, saved);
    wakeIdleWait();
  }

  /** {@link #awaitIdle} measures the idle time against the config in force: a shorter one may end it now. */
  private void wakeIdleWait() {
    synchronized (activity) {
      activity.notifyAll();
    }
  }

  /** Waits until no call is in flight; false if the server closed or the thread was interrupted meanwhile. */
  private boolean awaitNoCallInFlight() {
    while (inFlightCalls.get() > 0 && !closed) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return !closed;
  }

  /**
   * Stops listening on every socket and removes the socket files, and takes no more hand-offs; the connections already open are served
   * until they end, and then {@link #awaitIdle} returns. A resident host retires this way when another one is
   * to take its place.
   */
  public void stopAccepting() {
    closeListeners();
    synchronized (activity) {
      stoppedAccepting = true;
      activity.notifyAll();
    }
  }

  private void closeListeners() {
    synchronized (listeners) {
      for (Closeable listener : listeners) {
        try {
          listener.close();
        } catch (IOException e) {
          log.warn("cannot close {}: {}", listener, e.toString());
        }
      }
      listeners.clear();
    }
  }

  /**
   * Stops listening, cancels every in-flight call and ends every connection, without waiting for handlers
   * that ignore cancellation (their threads are daemons and their results are dropped).
   */
  @Override
  public void close() {
    closed = true;
    closeListeners();
    for (ServerConnection connection : List.copyOf(connections)) {
      connection.close();
    }
    lightPool.shutdown();
    heavyPool.shutdown();
    stallWatch.shutdownNow();
    touch();
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** Assembles a server; every setting has a default except the routes beyond the built-ins. */
  public static final class Builder {
    private final Map<Class<?>, RouteTable> tables = new LinkedHashMap<>();
    /** The routes as {@link #prepareRoutes()} built them; null until then, and again once a table is added. */
    private Routes prepared;
    private Services services = Services.empty();
    private HostConfig config = HostConfig.defaults();
    private HostPaths paths;
    private String hostVersion = "development";
    private HostStatus.Mode mode = HostStatus.Mode.EMBEDDED;
    private Duration writeStallTimeout = Duration.ofSeconds(30);
    private Function<String, String> howToAllow;

    private Builder() {
      add(new BuiltinRouteTable());
    }

    /** Adds every {@link RouteTable} registered on {@code loader}'s class path ({@code META-INF/services}). */
    public Builder routesFromClassPath(ClassLoader loader) {
      RouteTable.fromClassPath(loader).forEach(this::add);
      return this;
    }

    /** Adds these route tables; a table already added (by class) is not added twice. */
    public Builder routes(RouteTable... tables) {
      for (RouteTable table : tables) {
        add(table);
      }
      return this;
    }

    /** The services routes reach through {@code context.service(Type.class)}. */
    public Builder services(Services services) {
      this.services = Objects.requireNonNull(services, "services");
      return this;
    }

    /** Allowed origins, scopes, rate limits and pool sizes; default {@link HostConfig#defaults()}, which allows no origin. */
    public Builder config(HostConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /** Where the audit log goes; without paths nothing is written to disk. */
    public Builder paths(HostPaths paths) {
      this.paths = Objects.requireNonNull(paths, "paths");
      return this;
    }

    /** The version {@code hello} and {@code health} report; default {@code development}. */
    public Builder hostVersion(String hostVersion) {
      this.hostVersion = Objects.requireNonNull(hostVersion, "hostVersion");
      return this;
    }

    /**
     * What allows a refused origin, for the {@code FORBIDDEN} answer to say: "origin X is not allowed to use this
     * host; allow it with " and what this function answers for X (e.g. your application's setting), or nothing
     * more where it answers null, as by default.
     */
    public Builder howToAllow(Function<String, String> howToAllow) {
      this.howToAllow = Objects.requireNonNull(howToAllow, "howToAllow");
      return this;
    }

    /**
     * How long a connection's peer may read nothing while frames wait for it before the connection is closed and its
     * calls cancelled; default 30 s. A browser reads as fast as it can, so such a peer is stuck or gone, and the thread
     * writing to it is freed.
     */
    public Builder writeStallTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("writeStallTimeout must be positive: " + timeout);
      }
      this.writeStallTimeout = timeout;
      return this;
    }

    /** How the host runs, as {@link HostStatus#mode()} reports it; default {@link HostStatus.Mode#EMBEDDED}. */
    public Builder mode(HostStatus.Mode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * Builds the route catalog and every route's request binding and validation now, on the calling thread,
     * instead of in {@link #build()}: a host may do it while another thread assembles its services. In the
     * reference daemon each of the two took about a third of its start. A table added afterwards makes
     * {@link #build()} prepare the routes again.
     *
     * @throws IllegalStateException if two tables declare the same route name
     */
    public Builder prepareRoutes() {
      preparedRoutes();
      return this;
    }

    /**
     * @throws IllegalStateException if two tables declare the same route name
     */
    public NativeMessagingServer build() {
      return new NativeMessagingServer(this);
    }

    private void add(RouteTable table) {
      if (tables.putIfAbsent(table.getClass(), table) == null) {
        prepared = null;
      }
    }

    private Routes preparedRoutes() {
      if (prepared == null) {
        RouteCatalog catalog = RouteCatalog.of(tables.values());
        prepared = new Routes(catalog, new Dispatcher(catalog));
      }
      return prepared;
    }

    private record Routes(RouteCatalog catalog, Dispatcher dispatcher) {}
  }

  private record LiveStatus(
      String hostVersion,
      Mode mode,
      Instant startedAt,
      IntSupplier connections,
      IntSupplier inFlight)
      implements HostStatus {
    @Override
    public int openConnections() {
      return connections.getAsInt();
    }

    @Override
    public int inFlightCalls() {
      return inFlight.getAsInt();
    }
  }

  private record LiveAccessPolicy(Supplier<HostConfig> config) implements AccessPolicy {
    @Override
    public boolean allows(String origin) {
      return config.get().allows(origin);
    }

    @Override
    public boolean grants(String origin, String scope) {
      return config.get().grants(origin, scope);
    }
  }
}
