package dev.nm.host.relay;

import dev.nm.host.HomeDirectories;
import dev.nm.host.HostPaths;
import dev.nm.host.connection.RelayHandshake;
import dev.nm.protocol.EnvelopeCodec;
import dev.nm.protocol.ErrorBody;
import dev.nm.protocol.ErrorCode;
import dev.nm.protocol.FrameException;
import dev.nm.protocol.FrameReader;
import dev.nm.protocol.FrameWriter;
import dev.nm.protocol.Message;
import dev.nm.protocol.ProtocolLimits;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.channels.Channel;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One browser port served by the resident server a {@link NativeMessagingRelay} names: the reference host's
 * daemon for {@code nm-host}, an application's own {@link dev.nm.host.NativeMessagingServer} otherwise. Below, "the
 * daemon" is that server. Where it can (Linux), the relay hands
 * its stdin and stdout to the daemon and only waits: the daemon reads and writes the browser's pipes itself
 * and tells the relay when the port has ended, so every frame crosses one process, not two. A running daemon
 * is handed the pipes through a file ({@link PipeHandoff}), which spares the relay its first socket; else, or
 * when that fails, the relay connects to the daemon's socket, starting the daemon if none runs, and offers the
 * pipes in the {@link RelayHandshake}; a relay that starts no server answers each request with the application's
 * message instead ({@link #refuseAll}). If the daemon dies meanwhile, the relay exits with 1 and the browser
 * reports "Native host has exited"; the next host start restarts the daemon.
 *
 * <p>Otherwise ({@code NM_HOST_PIPES=relay} for {@code nm-host}, or a system where the daemon cannot open another process's pipes)
 * frames pass through the relay verbatim in both directions; the daemon's replies are already cut to the
 * browser's 1 MiB limit. The relay exits as soon as the browser closes stdin, and fails every request still in
 * flight with {@link ErrorCode#BACKEND_ERROR} if the daemon goes away.
 *
 * <p>This is the path every browser launch takes, so it loads as few classes as it can: no JSON binding
 * and no logging unless something goes wrong.
 */
final class RelayHost {
  /**
   * System property the launcher sets on the launch that records the class-data archive. That launch also
   * loads what a longer-lived port needs once its first reply is out (the JSON parser that reads request
   * ids), which a one-shot launch exits before loading, and rehearses a hand-off through files, which the
   * first launch, starting the daemon, does not make: later launches map those classes from the archive.
   */
  static final String TRAINING_PROPERTY = "nm.host.training";
  /** How long the request side waits, once the daemon stopped taking its frames, for the reply side's answers. */
  private static final long DAEMON_LOSS_ANSWER_MILLIS = 5_000;
  /** The exit code until one side ends the relay. */
  private static final int RUNNING = -1;
  /** What {@link #offerPipesOnTheSocket} returns when the server it reached takes no more ports. */
  private static final int RETIRED = -2;
  /** How many servers a relay offers its pipes to, when each stops taking ports as the relay connects. */
  private static final int MAX_ATTEMPTS = 3;

  private final String origin;
  private final FileInputStream stdin;
  private final OutputStream browserOut;
  private final boolean offersPipes;
  private final NativeMessagingRelay settings;
  private final InFlightRequests inFlight = new InFlightRequests();
  private final AtomicInteger exitCode = new AtomicInteger(RUNNING);

  /**
   * @param stdin read as a channel ({@link #browserIn()}) only if frames pass through the relay
   */
  RelayHost(String origin, FileInputStream stdin, OutputStream browserOut, NativeMessagingRelay settings) {
    this.origin = origin;
    this.stdin = stdin;
    this.browserOut = browserOut;
    this.offersPipes = settings.handsOffPipes();
    this.settings = settings;
  }

  /**
   * Stdin as a channel: closing it releases a thread blocked reading it, and the JVM waits up to 300 ms at exit
   * for any thread still blocked in a native read. Made on first use: a relay whose daemon reads the pipes never
   * needs it, and the first channel of a JVM loads the JDK's NIO library (0.4 ms of every launch).
   */
  private ReadableByteChannel browserIn() {
    return stdin.getChannel();
  }

  /**
   * Serves the port until the browser leaves or the daemon dies; returns the process exit code. When frames
   * pass through the relay, the calling thread forwards the browser's requests, a second one the daemon's
   * replies.
   */
  int run(HostPaths paths) {
    int code = serve(paths);
    if (Boolean.getBoolean(TRAINING_PROPERTY)) {
      PipeHandoff.rehearse(paths, ownPid());
    }
    return code;
  }

  private int serve(HostPaths paths) {
    if (!offersPipes) {
      return relayFrames(paths);
    }
    for (int attempt = 1; ; attempt++) {
      PipeHandoff.Outcome handoff = PipeHandoff.offer(paths, origin, ownPid());
      if (handoff instanceof PipeHandoff.Taken taken) {
        return PipeHandoff.awaitRelease(taken);
      }
      if (handoff instanceof PipeHandoff.Refused refused) {
        Log.LOG.debug("{} did not take the pipes: {}", settings.serverName(), refused.reason());
        return relayFrames(paths);
      }
      int code = offerPipesOnTheSocket(paths);
      if (code != RETIRED || attempt == MAX_ATTEMPTS) {
        return code == RETIRED ? refuseAll(settings.notRunningMessage()) : code;
      }
      Log.LOG.debug("{} stopped taking ports as this relay connected; connecting again", settings.serverName());
    }
  }

  /**
   * Offers the pipes in the socket's handshake, starting the daemon if none runs, and waits until the port ends;
   * passes frames on if the daemon cannot take them. Returns {@link #RETIRED} if the daemon has stopped taking
   * ports (it is exiting): it did not touch the pipes, and its successor may take them.
   */
  private int offerPipesOnTheSocket(HostPaths paths) {
    FirstSocket.startSecurityProviders();
    try {
      SocketChannel daemon = connect(paths);
      if (daemon == null) {
        return refuseAll(settings.notRunningMessage());
      }
      FrameReader fromDaemon = FrameReader.of(daemon);
      handshake(daemon, ownPid());
      byte[] answer = awaitPipesAnswer(fromDaemon);
      if (answer == null) {
        Log.LOG.warn("lost {} while it served this port", settings.serverName());
        return 1;
      }
      if (Arrays.equals(answer, RelayHandshake.PIPES_RELEASED)) {
        return 0;
      }
      if (Arrays.equals(answer, RelayHandshake.PIPES_RETIRED)) {
        daemon.close();
        return RETIRED;
      }
      if (RelayHandshake.isPipesRefused(answer)) {
        Log.LOG.debug("{} did not take the pipes: {}", settings.serverName(), new String(answer, StandardCharsets.UTF_8));
        return relayFrames(daemon, fromDaemon);
      }
      Log.LOG.warn(
          "the running {} predates this relay and only relays frames ({}); it serves this port through this "
              + "process until it exits; restarting it replaces it",
          settings.serverName(), new String(answer, StandardCharsets.UTF_8));
      daemon.close();
    } catch (IOException e) {
      return cannotReachDaemon(e);
    }
    return relayFrames(paths);
  }

  /** Passes frames on, through a socket to the daemon. */
  private int relayFrames(HostPaths paths) {
    FirstSocket.startSecurityProviders();
    try {
      SocketChannel daemon = connect(paths);
      if (daemon == null) {
        return refuseAll(settings.notRunningMessage());
      }
      handshake(daemon, 0);
      return relayFrames(daemon, FrameReader.of(daemon));
    } catch (IOException e) {
      return cannotReachDaemon(e);
    }
  }

  /**
   * A connection to the daemon, started first if the relay starts one; null if none answers and the relay starts
   * none.
   */
  private SocketChannel connect(HostPaths paths) throws IOException {
    ServerLauncher launcher = settings.launcher();
    if (launcher == null) {
      return ServerConnector.tryConnect(paths);
    }
    return ServerConnector.connectOrStart(paths, launcher, settings.startTimeout(), settings.serverName());
  }

  private int cannotReachDaemon(IOException e) {
    String reason = "cannot reach " + settings.serverName() + ": " + e.getMessage();
    Log.LOG.error(reason);
    return refuseAll(HomeDirectories.forThisUser().redact(reason));
  }

  private void handshake(SocketChannel daemon, long pipesOf) throws IOException {
    FrameWriter.of(daemon).writeFrame(new RelayHandshake(origin, pipesOf).toFrame());
  }

  /**
   * This process's id, by which the daemon opens its pipes: the target of {@code /proc/self} where there is one
   * (Linux, where the daemon can take the pipes), else {@link ProcessHandle}, whose first use sets up the JDK's
   * process reaper (2 ms of a relay's launch after its first socket; 8-10 ms in a bare JVM).
   */
  static long ownPid() {
    try {
      return Long.parseLong(new File("/proc/self").getCanonicalFile().getName());
    } catch (IOException | NumberFormatException e) {
      return ProcessHandle.current().pid();
    }
  }

  private int relayFrames(SocketChannel daemon, FrameReader fromDaemon) {
    FrameWriter toDaemon = FrameWriter.of(daemon, ProtocolLimits.MAX_INBOUND_FRAME_BYTES, ByteOrder.nativeOrder());
    FrameWriter toBrowser = FrameWriter.of(browserOut);
    Thread replies = new Thread(() -> pumpReplies(fromDaemon, toBrowser), "nm-relay-replies");
    replies.setDaemon(true);
    replies.start();
    pumpRequests(daemon, toDaemon, toBrowser, replies);
    if (Boolean.getBoolean(TRAINING_PROPERTY)) {
      train(replies);
    }
    return exitCode.get();
  }

  /**
   * Waits for the daemon's one frame about the pipes this relay offered: released when the port is over,
   * refused, or a daemon's failure that speaks an older relay version; null if the daemon went away.
   */
  private static byte[] awaitPipesAnswer(FrameReader fromDaemon) {
    try {
      return fromDaemon.nextFrame();
    } catch (IOException e) {
      return null;
    }
  }

  /** Lets the reply side finish with what it received, then reads the requests it has not read. */
  private void train(Thread replies) {
    try {
      replies.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    inFlight.drain();
  }

  /**
   * Forwards the browser's requests until it leaves, or until the reply side closes stdin. A frame the browser
   * cannot have meant (a length over the limit, a stream cut mid-frame) is answered as a host serving the port
   * itself answers it, with one failure and the end of the port: nothing after it can be framed.
   */
  private void pumpRequests(SocketChannel daemon, FrameWriter toDaemon, FrameWriter toBrowser, Thread replies) {
    FrameReader fromBrowser = FrameReader.of(browserIn());
    try {
      byte[] frame;
      while ((frame = fromBrowser.nextFrame()) != null) {
        inFlight.sent(frame);
        try {
          relay(frame, fromBrowser, toDaemon);
        } catch (IOException daemonGone) {
          // Not the browser leaving: the reply side sees the daemon gone too, answers every request in flight (this
          // one included) with the failure, and sets the exit code. Return only once it has.
          awaitReplySide(replies, daemon, toBrowser);
          return;
        }
      }
    } catch (FrameException e) {
      exitCode.compareAndSet(RUNNING, 1);
      try {
        toBrowser.writeFrame(new EnvelopeCodec().encode(new Message.Failure(null, ErrorBody.of(e.code(),
            e.getMessage() + "; the stream is out of sync, so the host closes this connection"))));
      } catch (IOException gone) {
        // The browser is gone too.
      }
    } catch (IOException e) {
      // A broken browser stream ends the port; a dead daemon is reported by the reply side.
      if (exitCode.get() == RUNNING) {
        Log.LOG.debug("relay request side ended: {}", e.toString());
      }
    }
    end(0, daemon);
  }

  private void awaitReplySide(Thread replies, SocketChannel daemon, FrameWriter toBrowser) {
    try {
      replies.join(DAEMON_LOSS_ANSWER_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!replies.isAlive()) {
      // It may have answered what was in flight just before this side recorded its last frame: the only writer now.
      failInFlight(toBrowser);
      return;
    }
    Log.LOG.warn("{} stopped taking requests but its replies go on; ending this port", settings.serverName());
    end(1, daemon);
  }

  /**
   * Relays the daemon's replies. Each is recorded as delivered when the next one arrives, or when the daemon
   * is lost: a launch that leaves after its one reply exits without reading any JSON.
   */
  private void pumpReplies(FrameReader fromDaemon, FrameWriter toBrowser) {
    byte[] delivered = null;
    try {
      byte[] frame;
      while ((frame = fromDaemon.nextFrame()) != null) {
        relay(frame, fromDaemon, toBrowser);
        if (delivered != null) {
          inFlight.delivered(delivered);
        }
        delivered = frame;
      }
    } catch (IOException e) {
      if (exitCode.get() != RUNNING) {
        return;
      }
      Log.LOG.warn("lost {}: {}", settings.serverName(), e.toString());
    }
    if (exitCode.get() == RUNNING) {
      if (delivered != null) {
        inFlight.delivered(delivered);
      }
      failInFlight(toBrowser);
      end(1, browserIn());
    }
  }

  /**
   * Passes a frame on, flushing only once the burst it came in is over: while the next frame is already
   * buffered the pump goes on, and a frame never waits unflushed while the pump blocks for input.
   */
  private static void relay(byte[] frame, FrameReader from, FrameWriter to) throws IOException {
    to.bufferFrame(frame);
    if (!from.hasBufferedFrame()) {
      to.flush();
    }
  }

  /**
   * Sets the exit code unless the other side set it first, then releases the other side's blocked read: the
   * request side's, so that {@link #run} returns; the reply side's, since the JVM waits up to 300 ms at exit
   * for a thread blocked in a native read.
   */
  private void end(int code, Channel otherSide) {
    exitCode.compareAndSet(RUNNING, code);
    try {
      otherSide.close();
    } catch (IOException e) {
      // Closing only releases a blocked reader; the process exits either way.
    }
  }

  private void failInFlight(FrameWriter toBrowser) {
    try {
      fail(inFlight.drain(), exitedMessage(), toBrowser);
    } catch (IOException e) {
      // The browser is gone too.
    }
  }

  /** What a request gets when the daemon dies before answering it. */
  private String exitedMessage() {
    String exited = settings.serverName() + " exited before replying";
    return settings.launcher() == null ? exited : exited + "; send the request again to restart it";
  }

  /**
   * Without a daemon, answers every request with {@link ErrorCode#BACKEND_ERROR} until the browser leaves,
   * so that the extension learns why instead of seeing only "Native host has exited".
   */
  private int refuseAll(String reason) {
    FrameReader fromBrowser = FrameReader.of(browserIn());
    FrameWriter toBrowser = FrameWriter.of(browserOut);
    try {
      byte[] frame;
      while ((frame = fromBrowser.nextFrame()) != null) {
        inFlight.sent(frame);
        fail(inFlight.drain(), reason, toBrowser);
      }
    } catch (IOException e) {
      // The browser left mid-frame or stopped reading: nobody is left to tell.
    }
    return 1;
  }

  private static void fail(List<String> requestIds, String message, FrameWriter toBrowser) throws IOException {
    EnvelopeCodec codec = new EnvelopeCodec();
    for (String requestId : requestIds) {
      toBrowser.writeFrame(codec.encode(Message.Failure.of(requestId, ErrorCode.BACKEND_ERROR, message)));
    }
  }

  /** Loaded on first use only: starting logging costs more than a whole relayed request. */
  private static final class Log {
    static final Logger LOG = LoggerFactory.getLogger(RelayHost.class);
  }
}
