package dev.nm.host.middleware;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.nm.host.HostConfig;
import dev.nm.protocol.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's append-only record of security-relevant events, one JSON object per line: refused calls and
 * configuration changes. Lines are only ever appended, never rewritten. Thread-safe.
 *
 * <pre>{@code
 * {"timestamp":"2026-11-23T23:59:01.123Z","event":"denied","code":"FORBIDDEN","origin":"chrome-extension://abc/","route":"chat","request_id":"7","message":"..."}
 * }</pre>
 */
public final class AuditLog {
  private static final Map<Path, Object> WRITERS = new ConcurrentHashMap<>();
  private static final Logger log = LoggerFactory.getLogger(AuditLog.class);
  private static final AuditLog DISABLED = new AuditLog(null);

  private final Path file;

  private AuditLog(Path file) {
    this.file = file;
  }

  /** A log appending to {@code file}, whose directory is created on the first write. */
  public static AuditLog to(Path file) {
    return new AuditLog(Objects.requireNonNull(file, "file"));
  }

  /** A log that records nothing, for hosts without a home directory. */
  public static AuditLog disabled() {
    return DISABLED;
  }

  /**
   * Records a change of the host config, if there is one: the origins added, removed or given other scopes,
   * and whether rate limits changed. Whoever changes a host's config (the server, the installer) calls it.
   */
  public void configChanged(HostConfig previous, HostConfig next) {
    if (!previous.equals(next)) {
      append("config_changed", difference(previous, next));
    }
  }

  /**
   * Records that a server put in force a config file saved meanwhile (by {@code nm-host install}, which recorded
   * its change as {@code config_changed}, or by hand, which recorded nothing), as {@code config_reloaded} with
   * the file and what changed as {@link #configChanged} tells it.
   */
  public void configReloaded(Path from, HostConfig previous, HostConfig next) {
    if (!previous.equals(next)) {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("file", from.toString());
      fields.putAll(difference(previous, next));
      append("config_reloaded", fields);
    }
  }

  private static Map<String, Object> difference(HostConfig previous, HostConfig next) {
    List<String> added = new ArrayList<>();
    List<String> rescoped = new ArrayList<>();
    next.origins().forEach(
        (origin, grant) -> {
          if (!previous.origins().containsKey(origin)) {
            added.add(origin);
          } else if (!previous.origins().get(origin).equals(grant)) {
            rescoped.add(origin);
          }
        });
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("origins_added", added);
    fields.put("origins_removed", previous.origins().keySet().stream().filter(o -> !next.origins().containsKey(o)).toList());
    fields.put("scopes_changed", rescoped);
    fields.put("rate_limits_changed", !previous.rateLimits().equals(next.rateLimits()));
    return fields;
  }

  /** Records one event; {@code fields} follow {@code timestamp} and {@code event} in the line. */
  public void append(String event, Map<String, ?> fields) {
    if (file == null) {
      return;
    }
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("timestamp", Instant.now().toString());
    line.put("event", event);
    line.putAll(fields);
    try {
      byte[] bytes = (Json.mapper().writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
      // One writer a file in this JVM (a file lock is the JVM's, not the thread's), then one process at a time.
      synchronized (WRITERS.computeIfAbsent(file.toAbsolutePath().normalize(), key -> new Object())) {
        Files.createDirectories(file.getParent());
        // One write(2) of the whole line: with O_APPEND no other writer's line (another process's, another
        // instance's) lands inside it. Writers take turns (the lock), so that no other line is half-written at the
        // end when this one looks. The last byte is read through a channel opened before the lock and closed after
        // it: closing any channel of the file releases the process's POSIX locks on it.
        try (FileChannel channel =
                FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            FileChannel reader = FileChannel.open(file, StandardOpenOption.READ)) {
          FileLock turn = channel.lock();
          // A line cut short (the disk was full) would swallow this one: it begins on a line of its own.
          ByteBuffer buffer =
              endsMidLine(reader, channel.size()) ? ByteBuffer.wrap(("\n" + new String(bytes, StandardCharsets.UTF_8))
                  .getBytes(StandardCharsets.UTF_8)) : ByteBuffer.wrap(bytes);
          while (buffer.hasRemaining()) {
            channel.write(buffer);
          }
          turn.release();
        }
      }
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    } catch (IOException e) {
      // Losing an audit line must not fail the call it describes; the log says why it was lost.
      log.error("cannot append to audit log {}: {}", file, e.toString());
    }
  }

  /** Whether the log's last byte, at {@code size - 1}, ends no line. */
  private static boolean endsMidLine(FileChannel channel, long size) throws IOException {
    if (size == 0) {
      return false;
    }
    ByteBuffer last = ByteBuffer.allocate(1);
    return channel.read(last, size - 1) == 1 && last.get(0) != '\n';
  }
}
