package dev.nm.routes.generation;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The generations running now, so that a caller can stop its own: by request id, by session, or all of them.
 * Thread-safe.
 */
public final class ActiveGenerations {
  private final Map<Key, Generation> running = new ConcurrentHashMap<>();

  /** Registers a generation until the returned handle is closed. */
  public Generation start(String origin, String requestId, String sessionId, String model) {
    Generation generation = new Generation(origin, requestId, sessionId, model, Instant.now());
    running.put(new Key(origin, requestId), generation);
    return generation;
  }

  /**
   * Asks the caller's matching generations to stop: the one with {@code requestId} if given, else those of
   * {@code sessionId} if given, else all of the caller's.
   *
   * @return the request ids asked to stop, sorted
   */
  public List<String> stop(String origin, String requestId, String sessionId) {
    List<Generation> matching =
        mine(origin).stream()
            .filter(g -> requestId == null || g.requestId.equals(requestId))
            .filter(g -> requestId != null || sessionId == null || sessionId.equals(g.sessionId))
            .toList();
    matching.forEach(g -> g.stopRequested.set(true));
    return matching.stream().map(g -> g.requestId).sorted().toList();
  }

  /** The caller's generations running now, oldest first. */
  public List<Generation> mine(String origin) {
    return running.values().stream()
        .filter(g -> g.origin.equals(origin))
        .sorted(Comparator.comparing((Generation g) -> g.startedAt).thenComparing(g -> g.requestId))
        .toList();
  }

  private record Key(String origin, String requestId) {}

  /** One running generation; close it when the generation ends. */
  public final class Generation implements AutoCloseable {
    private final String origin;
    private final String requestId;
    private final String sessionId;
    private final String model;
    private final Instant startedAt;
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private final AtomicInteger tokens = new AtomicInteger();

    private Generation(String origin, String requestId, String sessionId, String model, Instant startedAt) {
      this.origin = Objects.requireNonNull(origin, "origin");
      this.requestId = Objects.requireNonNull(requestId, "requestId");
      this.sessionId = sessionId;
      this.model = model;
      this.startedAt = startedAt;
    }

    public String requestId() {
      return requestId;
    }

    /** The session the request named, or null. */
    public String sessionId() {
      return sessionId;
    }

    public String model() {
      return model;
    }

    public Instant startedAt() {
      return startedAt;
    }

    public boolean stopRequested() {
      return stopRequested.get();
    }

    /** Pieces of text generated so far. */
    public int pieces() {
      return tokens.get();
    }

    void countPiece() {
      tokens.incrementAndGet();
    }

    @Override
    public void close() {
      running.remove(new Key(origin, requestId), this);
    }
  }
}
