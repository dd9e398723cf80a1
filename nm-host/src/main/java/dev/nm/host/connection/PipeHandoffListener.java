package dev.nm.host.connection;

import dev.nm.protocol.FrameReader;
import dev.nm.protocol.FrameWriter;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes relays' browser pipes handed over through files ({@link PipeHandoffFiles}): watches the hand-off
 * directory and serves each request's pipes as an ordinary connection, on the thread that saw it. Requests are
 * handled one at a time; each costs two renames, two opens of {@code /proc} and a lock.
 */
public final class PipeHandoffListener implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(PipeHandoffListener.class);

  private final Path dir;
  private final UnixSocketListener.Opener opener;
  private final WatchService watcher;
  private final Thread thread;
  /** Held while a request is claimed, and by {@link #close} while it sweeps: no request is claimed after. */
  private final Object claims = new Object();
  private boolean closed;

  private PipeHandoffListener(Path dir, UnixSocketListener.Opener opener, WatchService watcher) {
    this.dir = dir;
    this.opener = opener;
    this.watcher = watcher;
    this.thread = new Thread(this::watch, "nm-handoffs");
    thread.setDaemon(true);
  }

  /** Whether this system lets a process open another's pipes through {@code /proc} (Linux). */
  public static boolean isSupported() {
    return Files.isDirectory(Path.of("/proc/self/fd"));
  }

  /**
   * Creates {@code dir} (mode 0700) and starts taking the requests that appear in it.
   *
   * @throws IOException if the directory cannot be created or watched
   */
  public static PipeHandoffListener start(Path dir, UnixSocketListener.Opener opener) throws IOException {
    Objects.requireNonNull(opener, "opener");
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    Files.deleteIfExists(PipeHandoffFiles.closed(dir));
    WatchService watcher = dir.getFileSystem().newWatchService();
    try {
      dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
    } catch (IOException | RuntimeException e) {
      watcher.close();
      throw e;
    }
    PipeHandoffListener listener = new PipeHandoffListener(dir, opener, watcher);
    listener.thread.start();
    return listener;
  }

  /**
   * Removes the hand-off directories ({@code handoff-PID}) in {@code runDir} whose host process is gone: a host that
   * is killed leaves its directory behind.
   */
  public static void removeDirsOfGoneHosts(Path runDir) {
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(runDir, "handoff-*")) {
      for (Path dir : dirs) {
        long pid = PipeHandoffFiles.processId(dir.getFileName().toString().substring("handoff-".length()));
        if (pid == 0 || ProcessHandle.of(pid).isPresent()) {
          continue;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
          for (Path file : files) {
            Files.deleteIfExists(file);
          }
        }
        Files.deleteIfExists(dir);
      }
    } catch (NoSuchFileException e) {
      // No run directory yet: nothing to remove.
    } catch (IOException e) {
      log.warn("cannot remove the hand-off directories of exited hosts in {}: {}", runDir, e.toString());
    }
  }

  public Path dir() {
    return dir;
  }

  private void watch() {
    takeWaitingRequests(); // made before the watch began
    while (true) {
      WatchKey key;
      try {
        key = watcher.take();
      } catch (ClosedWatchServiceException | InterruptedException e) {
        return;
      }
      for (WatchEvent<?> event : key.pollEvents()) {
        if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
          takeWaitingRequests();
        } else {
          long pid = PipeHandoffFiles.processId(event.context().toString());
          if (pid != 0) {
            take(new PipeHandoffFiles(dir, pid));
          }
        }
      }
      if (!key.reset()) {
        log.warn("{} is gone; relays reach this host through its socket only", dir);
        return;
      }
    }
  }

  private void takeWaitingRequests() {
    for (long pid : waitingRequests()) {
      take(new PipeHandoffFiles(dir, pid));
    }
  }

  private List<Long> waitingRequests() {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      List<Long> pids = new java.util.ArrayList<>();
      for (Path entry : entries) {
        long pid = PipeHandoffFiles.processId(entry.getFileName().toString());
        if (pid != 0) {
          pids.add(pid);
        }
      }
      return pids;
    } catch (IOException e) {
      log.warn("cannot list {}: {}", dir, e.toString());
      return List.of();
    }
  }

  /** Claims a request and serves its pipes, or refuses it; nothing if the relay withdrew it first. */
  private void take(PipeHandoffFiles files) {
    synchronized (claims) {
      if (closed) {
        return; // the sweep in close() refuses it
      }
      FileChannel claim = claim(files);
      if (claim == null) {
        return;
      }
      try {
        serve(files, claim);
      } catch (IOException | RuntimeException e) {
        refuse(files, claim, e.getMessage() != null ? e.getMessage() : e.toString());
      }
    }
  }

  /** Renames the request to claim it; its content stays readable through the channel returned. */
  private static FileChannel claim(PipeHandoffFiles files) {
    try {
      Files.move(files.request(), files.claiming(), StandardCopyOption.ATOMIC_MOVE);
    } catch (NoSuchFileException withdrawn) {
      return null;
    } catch (IOException e) {
      log.warn("cannot claim {}: {}", files.request(), e.toString());
      return null;
    }
    try {
      // One channel for the claim's whole life: closing any descriptor of a file drops this process's locks on it.
      return FileChannel.open(files.claiming(), StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      log.warn("cannot open {}: {}", files.claiming(), e.toString());
      return null;
    }
  }

  private void serve(PipeHandoffFiles files, FileChannel claim) throws IOException {
    String[] request = read(claim).split("\n", -1);
    if (request.length < 2 || request[0].isBlank()) {
      throw new IOException("the request names no origin and start time");
    }
    String origin = request[0];
    String unusable = RelayHandshake.unusableOrigin(origin);
    if (unusable != null) {
      throw new IOException("the origin " + unusable);
    }
    String pid = Long.toString(files.relayPid());
    String running = PipeHandoffFiles.startTime(pid);
    if (running == null) {
      // The relay exited before its request was claimed: no one waits for an answer, so none is left behind.
      log.debug("relay {} exited before its request was claimed", pid);
      try (claim) {
        Files.deleteIfExists(files.claiming());
      }
      return;
    }
    if (!request[1].equals(running)) {
      throw new IOException("process " + pid + " is not the relay that asked (it exited)");
    }
    claim.truncate(0); // empty until the port is released
    claim.lock(0, 1, false);
    BrowserPipes pipes = BrowserPipes.open(files.relayPid());
    try {
      Files.move(files.claiming(), files.taken(), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      pipes.close();
      throw e; // refused while nothing reads the pipes yet: the relay passes frames on itself
    }
    // Taken before it is served: once this process reads the browser's pipe, the relay must never be told to.
    try {
      opener.open(FrameReader.of(pipes.in()), FrameWriter.of(pipes.out()), origin, () -> release(pipes, claim));
    } catch (RuntimeException e) {
      log.warn("cannot serve the port of relay {}; it exits as if this daemon had: {}", files.relayPid(), e.toString());
      try (claim) {
        pipes.close();
      }
    }
  }

  /** Closes the browser's pipes, then lets their relay exit: the released mark, then the lock. */
  private static void release(BrowserPipes pipes, FileChannel claim) throws IOException {
    try (claim) {
      pipes.close();
      claim.write(ByteBuffer.wrap(new byte[] {PipeHandoffFiles.RELEASED}), 0);
    }
  }

  private static void refuse(PipeHandoffFiles files, FileChannel claim, String reason) {
    log.debug("relay {} passes frames on: {}", files.relayPid(), reason);
    try (claim) {
      claim.truncate(0);
      claim.write(ByteBuffer.wrap(reason.getBytes(StandardCharsets.UTF_8)), 0);
      Files.move(files.claiming(), files.refused(), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      // The relay sees its claimed request go unanswered only until it sees this host gone.
      log.warn("cannot refuse relay {}: {}", files.relayPid(), e.toString());
    }
  }

  private static String read(FileChannel claim) throws IOException {
    ByteBuffer content = ByteBuffer.allocate((int) Math.min(claim.size(), 4096));
    while (content.hasRemaining() && claim.read(content, content.position()) > 0) {
      // reads until full or end of file
    }
    return new String(content.array(), 0, content.position(), StandardCharsets.UTF_8);
  }

  /**
   * Takes no more requests: marks the directory closed and refuses what waits in it, so that waiting relays
   * turn to the socket. Ports already taken are served until they end.
   */
  @Override
  public void close() throws IOException {
    synchronized (claims) {
      if (closed) {
        return;
      }
      closed = true;
      watcher.close();
      Files.write(PipeHandoffFiles.closed(dir), new byte[0]);
      for (long pid : waitingRequests()) {
        PipeHandoffFiles files = new PipeHandoffFiles(dir, pid);
        FileChannel claim = claim(files);
        if (claim != null) {
          refuse(files, claim, "this nm daemon takes no more ports");
        }
      }
    }
  }

  @Override
  public String toString() {
    return dir.toString();
  }
}
