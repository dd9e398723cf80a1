package dev.nm.host.connection;

import dev.nm.protocol.EnvelopeCodec;
import dev.nm.protocol.ErrorBody;
import dev.nm.protocol.FrameException;
import dev.nm.protocol.Message;
import dev.nm.protocol.FrameReader;
import dev.nm.protocol.FrameWriter;
import dev.nm.protocol.ProtocolException;
import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Accepts relay connections on a Unix-domain socket. Each accepted socket is read for its
 * {@link RelayHandshake} on its own thread, then served as an ordinary connection: on the relay's own pipes
 * when it offers them and they can be opened, else on the socket. A bad handshake gets one
 * {@code INVALID_REQUEST} failure and a close.
 */
public final class UnixSocketListener implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(UnixSocketListener.class);

  /** Serves one relayed connection. */
  @FunctionalInterface
  public interface Opener {
    void open(FrameReader in, FrameWriter out, String origin, AutoCloseable transport);
  }

  private static final long OPENING_WAIT_MILLIS = 5_000;
  private static final long HANDSHAKE_GRACE_MILLIS = 1_000;

  private final Path socketPath;
  private final ServerSocketChannel server;
  private final Opener opener;
  private final EnvelopeCodec codec = new EnvelopeCodec();
  /** Accepted sockets still waiting for their handshake; closed with the listener. */
  private final Set<SocketChannel> handshaking = ConcurrentHashMap.newKeySet();
  /** Handshakes read and being served; {@link #close} waits for them. Guarded by {@code handshaking}. */
  private int opening;
  private boolean closed;
  /** Set once {@link #close} stops waiting for handshakes; guarded by {@code handshaking}. */
  private boolean graceOver;

  private UnixSocketListener(Path socketPath, ServerSocketChannel server, Opener opener) {
    this.socketPath = socketPath;
    this.server = server;
    this.opener = opener;
  }

  /**
   * Binds {@code socketPath} (creating a missing directory with mode 0700, replacing a stale socket file) and
   * starts accepting on a daemon thread.
   *
   * @throws IOException if the socket cannot be bound, or another server already listens there
   */
  public static UnixSocketListener start(Path socketPath, Opener opener) throws IOException {
    Objects.requireNonNull(opener, "opener");
    Path dir = socketPath.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir);
      // Only a directory we created is narrowed: the socket's safety rests on its parent being private.
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }
    UnixDomainSocketAddress address = UnixDomainSocketAddress.of(socketPath);
    if (Files.exists(socketPath)) {
      if (isListening(address)) {
        throw new IOException("another server is already listening on " + socketPath);
      }
      Files.delete(socketPath);
    }
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(address);
    UnixSocketListener listener = new UnixSocketListener(socketPath, server, opener);
    Thread acceptor = new Thread(listener::acceptLoop, "nm-listener");
    acceptor.setDaemon(true);
    acceptor.start();
    return listener;
  }

  private static boolean isListening(UnixDomainSocketAddress address) {
    try (SocketChannel probe = SocketChannel.open(address)) {
      return true;
    } catch (IOException refused) {
      return false;
    }
  }

  public Path socketPath() {
    return socketPath;
  }

  @Override
  public String toString() {
    return socketPath.toString();
  }

  private void acceptLoop() {
    while (server.isOpen()) {
      try {
        SocketChannel socket = server.accept();
        handshaking.add(socket);
        if (!server.isOpen()) {
          // close() ran between accept and add, so it did not see this socket.
          socket.close();
          return;
        }
        Thread handshake = new Thread(() -> handshake(socket), "nm-relay-handshake");
        handshake.setDaemon(true);
        handshake.start();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        log.warn("accept on {} failed: {}", socketPath, e.toString());
      }
    }
  }

  private void handshake(SocketChannel socket) {
    FrameReader in = FrameReader.of(socket);
    FrameWriter out = FrameWriter.of(socket);
    try {
      byte[] first = in.nextFrame();
      if (first == null) {
        socket.close();
        return;
      }
      RelayHandshake handshake = RelayHandshake.read(first);
      if (!beginOpening(socket, handshake.offersPipes())) {
        // The listener closed while the relay sent its handshake. A relay offering its pipes connects again, to the
        // next server.
        try (socket) {
          if (handshake.offersPipes()) {
            out.writeFrame(RelayHandshake.PIPES_RETIRED);
          }
        }
        return;
      }
      try {
        if (handshake.offersPipes() && servePipes(handshake, socket, out)) {
          return;
        }
        try {
          opener.open(in, out, handshake.origin(), socket);
        } catch (RuntimeException e) { // the server closed meanwhile: no connection holds the socket
          log.debug("cannot serve a relay: {}", e.toString());
          socket.close();
        }
      } finally {
        endOpening();
      }
    } catch (ProtocolException e) {
      refuse(socket, out, e.toFailure());
    } catch (FrameException e) {
      refuse(socket, out, new Message.Failure(null, ErrorBody.of(e.code(), e.getMessage())));
    } catch (IOException e) {
      log.debug("relay handshake failed: {}", e.toString());
      try {
        socket.close();
      } catch (IOException ignored) {
        // Already failing; nothing more to tell the peer.
      }
    } finally {
      synchronized (handshaking) {
        handshaking.remove(socket);
        handshaking.notifyAll();
      }
    }
  }

  /**
   * Takes the socket out of those that closing drops, unless the listener has closed. While it closes, a relay that
   * connected before and passes frames is still served, to its end: it may have sent its requests already, so it
   * could not start again elsewhere. One that offers its pipes is told to go to the next server instead.
   */
  private boolean beginOpening(SocketChannel socket, boolean offersPipes) {
    synchronized (handshaking) {
      if (closed && (offersPipes || graceOver)) {
        return false;
      }
      handshaking.remove(socket);
      opening++;
      return true;
    }
  }

  private void endOpening() {
    synchronized (handshaking) {
      opening--;
      handshaking.notifyAll();
    }
  }

  /**
   * Serves the relay's own pipes, leaving the socket idle until the port ends; then tells the relay so and
   * closes it. If the pipes cannot be opened, tells the relay why, and it passes frames on instead.
   *
   * @return whether the pipes are being served
   */
  private boolean servePipes(RelayHandshake handshake, SocketChannel socket, FrameWriter out) throws IOException {
    BrowserPipes pipes;
    try {
      pipes = BrowserPipes.open(handshake.pipesOf());
    } catch (IOException e) {
      log.debug("relaying frames for {}: {}", handshake.origin(), e.getMessage());
      out.writeFrame(RelayHandshake.pipesRefused(e.getMessage()));
      return false;
    }
    try {
      opener.open(FrameReader.of(pipes.in()), FrameWriter.of(pipes.out()), handshake.origin(), () -> release(pipes, socket, out));
    } catch (RuntimeException e) {
      release(pipes, socket, out);
      throw e;
    }
    return true;
  }

  /** Closes the browser's pipes, then lets their relay exit. */
  private static void release(BrowserPipes pipes, SocketChannel socket, FrameWriter out) throws IOException {
    try (socket) {
      pipes.close();
      out.writeFrame(RelayHandshake.PIPES_RELEASED);
    }
  }

  private void refuse(SocketChannel socket, FrameWriter out, Message.Failure failure) {
    try (socket) {
      out.writeFrame(codec.encode(failure));
    } catch (IOException e) {
      log.debug("cannot refuse a relay handshake: {}", e.toString());
    }
  }

  /**
   * Stops accepting; of the relays it took, serves those passing frames whose handshake arrives within
   * {@value #HANDSHAKE_GRACE_MILLIS} ms and tells those offering their pipes that it takes no more ports; drops sockets
   * still in their handshake after that; waits (up to {@value #OPENING_WAIT_MILLIS} ms) for
   * those whose handshake was read to be served, and removes the socket file; served connections stay up. Once
   * it returns, every relay this listener took is a connection of the server.
   */
  @Override
  public void close() throws IOException {
    synchronized (handshaking) {
      closed = true;
    }
    server.close();
    awaitHandshakes();
    synchronized (handshaking) {
      graceOver = true;
    }
    for (SocketChannel socket : handshaking) {
      socket.close();
    }
    awaitOpenings();
    Files.deleteIfExists(socketPath);
  }

  /**
   * Gives relays that connected before the listener closed {@value #HANDSHAKE_GRACE_MILLIS} ms to send their handshake
   * (and be served, or hear that this server takes no more ports) rather than see their socket closed.
   */
  private void awaitHandshakes() {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HANDSHAKE_GRACE_MILLIS);
    synchronized (handshaking) {
      long left;
      while (!handshaking.isEmpty() && (left = deadline - System.nanoTime()) > 0) {
        try {
          TimeUnit.NANOSECONDS.timedWait(handshaking, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private void awaitOpenings() {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(OPENING_WAIT_MILLIS);
    synchronized (handshaking) {
      long left;
      while (opening > 0 && (left = deadline - System.nanoTime()) > 0) {
        try {
          TimeUnit.NANOSECONDS.timedWait(handshaking, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
